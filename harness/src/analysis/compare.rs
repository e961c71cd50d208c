//! Two runs side by side: cells matched by (runtime, workload, size, phase,
//! scenario), each pair's ratio of medians with its bootstrap interval, and a
//! verdict that only calls a change when the whole interval says so. No I/O:
//! the CLI loads the runs, renderers draw the [`Comparison`].

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::bootstrap::{self, RESAMPLES};
use super::metric::{Metric, Samples};
use crate::catalog::Size;
use crate::results::{Cell, Results, Status};

/// Version of the `compare.json` layout. Fields may be added; none renamed.
pub const SCHEMA_VERSION: u32 = 1;

/// The only scenario a run has today (one process per cell, module compiled
/// then run): the fifth part of a pair's key, so that later scenarios (a warm
/// host, a precompiled artifact) match only their own kind.
pub const SCENARIO: &str = "run";

/// How sure an interval must be before it decides a verdict.
pub const DEFAULT_CONFIDENCE: f64 = 0.99;

/// The change below which a difference is "no change": ±2%. Chosen from
/// A/A data (README, "Compare two runs", `scripts/compare-validity.sh`): on
/// a quiet machine, at a run's default repetitions, two separate runs of 67
/// cells and an interleaved pair of 63 called one pair in 226 and one in
/// 210 slower at every threshold from ±1% to ±5% (the same µs-scale
/// instantiate phase), while ±2% let 5% more work be called slower on
/// Cranelift in 9 and 11 of 11 kernels. On a loaded or shared machine whole
/// runs drift (medians of identical cells moved by up to 95% between
/// separate runs at load 10-13), which no interval within a run can see:
/// there `--threshold 0.10`.
pub const DEFAULT_THRESHOLD: f64 = 0.02;

/// What a comparison is asked for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// Level of every interval (0.99 = 99%).
    pub confidence: f64,
    /// Relative change within which the interval must lie for "no change",
    /// and past which all of it must lie for "faster" or "slower" (0.05 = ±5%).
    pub threshold: f64,
    /// Judge pairs whose runtime, workload, size or host differ, instead of
    /// only warning.
    pub allow_different: bool,
    pub resamples: usize,
    /// Seed of the bootstrap: the same inputs give the same intervals.
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            confidence: DEFAULT_CONFIDENCE,
            threshold: DEFAULT_THRESHOLD,
            allow_different: false,
            resamples: RESAMPLES,
            seed: 0,
        }
    }
}

/// One side of a comparison, as the caller names it (its directory).
pub struct Run<'a> {
    pub label: String,
    pub results: &'a Results,
}

/// Everything `compare` found: `compare.json`, and what every rendering draws.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Comparison {
    pub schema_version: u32,
    pub tool_version: String,
    pub base: RunSummary,
    pub current: RunSummary,
    pub confidence: f64,
    pub threshold: f64,
    pub allow_different: bool,
    pub resamples: usize,
    pub seed: u64,
    /// Everything that differs between the two sides and makes their numbers
    /// less comparable: host, size, runtime versions and settings, workload
    /// files. Each also appears in the `differences` of the pairs it touches.
    pub differences: Vec<String>,
    /// Every compared pair, worst first.
    pub pairs: Vec<Pair>,
    /// Cells and phases that have no partner to compare with, and why.
    pub not_compared: Vec<NotCompared>,
}

/// Which run a side was.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunSummary {
    /// The results directory, as given.
    pub dir: String,
    pub started_at: DateTime<Utc>,
    pub tool_version: String,
    pub size: Size,
    /// How its cells got their samples ([`crate::results::Settings::repetitions`]).
    pub repetitions: String,
}

/// One metric of one cell, measured on both sides.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pair {
    pub runtime: String,
    pub workload: String,
    /// The current side's size (the base's, if different, is in `differences`).
    pub size: Size,
    pub phase: Metric,
    pub scenario: String,
    /// `ns` for a phase, `bytes` for memory.
    pub unit: String,
    pub base: SideStats,
    pub current: SideStats,
    /// Median of current over median of base: above 1 is slower (or more memory).
    pub ratio: f64,
    /// Bootstrap interval of `ratio` at the comparison's confidence; `None`
    /// when a side has a single sample.
    pub interval: Option<[f64; 2]>,
    /// `None` when the sides differ (see `differences`) and the comparison
    /// was not told to allow that.
    pub verdict: Option<Verdict>,
    pub differences: Vec<String>,
    /// A caveat about the interval (a single process or sample per side).
    pub note: Option<String>,
}

/// A side's share of a pair.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SideStats {
    pub median: f64,
    pub processes: usize,
    pub samples: usize,
}

/// What a pair's interval says, against the threshold `t`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// All of the interval lies above 1 + t.
    Slower,
    /// The interval crosses 1 - t or 1 + t: this pair of runs cannot tell.
    Uncertain,
    /// All of the interval lies within 1 ± t.
    NoChange,
    /// All of the interval lies below 1 - t.
    Faster,
}

impl Verdict {
    /// Judges an interval; none (a single sample) can never settle anything.
    pub fn judge(interval: Option<[f64; 2]>, threshold: f64) -> Verdict {
        let Some([lo, hi]) = interval else {
            return Verdict::Uncertain;
        };
        if lo > 1.0 + threshold {
            Verdict::Slower
        } else if hi < 1.0 - threshold {
            Verdict::Faster
        } else if lo >= 1.0 - threshold && hi <= 1.0 + threshold {
            Verdict::NoChange
        } else {
            Verdict::Uncertain
        }
    }

    /// How a person reads it for `metric` (memory is not slow or fast).
    pub fn label(self, metric: Metric) -> &'static str {
        match (self, metric) {
            (Verdict::Slower, Metric::Memory) => "more memory",
            (Verdict::Faster, Metric::Memory) => "less memory",
            (Verdict::Slower, _) => "slower",
            (Verdict::Faster, _) => "faster",
            (Verdict::Uncertain, _) => "uncertain",
            (Verdict::NoChange, _) => "no change",
        }
    }
}

/// A cell or phase present on one side only, or not measured on both.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NotCompared {
    pub runtime: String,
    pub workload: String,
    /// The metric concerned; `None` for the whole cell.
    pub phase: Option<Metric>,
    pub reason: String,
}

/// Why two runs give nothing to compare.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    #[error(
        "no cell in common: {base} has {base_cells} cell(s), {current} has {current_cells}, and no (runtime, workload) is in both"
    )]
    NoCellInCommon {
        base: String,
        current: String,
        base_cells: usize,
        current_cells: usize,
    },
    #[error(
        "nothing to compare: the {common} cell(s) {base} and {current} have in common were not measured on both sides (see the reasons above)"
    )]
    NothingMeasured {
        base: String,
        current: String,
        common: usize,
        not_compared: Vec<NotCompared>,
    },
}

impl Comparison {
    pub fn count(&self, verdict: Verdict) -> usize {
        self.pairs
            .iter()
            .filter(|p| p.verdict == Some(verdict))
            .count()
    }

    /// Pairs left without a verdict because their sides differ.
    pub fn unjudged(&self) -> usize {
        self.pairs.iter().filter(|p| p.verdict.is_none()).count()
    }

    /// Something got slower (or bigger) beyond the threshold: what fails a CI job.
    pub fn any_slower(&self) -> bool {
        self.count(Verdict::Slower) > 0
    }
}

/// Compares `current` against `base`: every metric of every cell measured on
/// both sides, worst first.
pub fn compare(base: &Run, current: &Run, options: &Options) -> Result<Comparison, CompareError> {
    let (b, c) = (base.results, current.results);
    let mut run_differences = host_differences(b, c);
    if b.settings.size != c.settings.size {
        run_differences.push(format!(
            "size: {} (base) vs {} (current)",
            b.settings.size, c.settings.size
        ));
    }
    if b.settings.in_runtime_budget != c.settings.in_runtime_budget {
        run_differences.push(budget_difference(b, c));
    }
    let runtime_differences = |id: &str| describe_runtime_differences(b, c, id);
    let workload_differences = |id: &str| describe_workload_differences(b, c, id);

    let mut pairs = Vec::new();
    let mut not_compared = Vec::new();
    let mut common = 0;
    for base_cell in &b.cells {
        let Some(current_cell) = c.cell(&base_cell.runtime, &base_cell.workload) else {
            not_compared.push(whole_cell(base_cell, "only in the base run".into()));
            continue;
        };
        common += 1;
        if base_cell.status != Status::Ok || current_cell.status != Status::Ok {
            not_compared.push(whole_cell(
                base_cell,
                format!(
                    "base {}, current {}",
                    describe_status(base_cell),
                    describe_status(current_cell)
                ),
            ));
            continue;
        }
        let mut differences = run_differences.clone();
        differences.extend(runtime_differences(&base_cell.runtime));
        differences.extend(workload_differences(&base_cell.workload));
        for metric in Metric::ALL {
            let index = pairs.len() + not_compared.len();
            let seed = options.seed.wrapping_add(index as u64);
            match pair(base_cell, current_cell, metric, options, seed) {
                Ok(Some((base_stats, current_stats, estimate, note))) => {
                    let judged = differences.is_empty() || options.allow_different;
                    pairs.push(Pair {
                        runtime: base_cell.runtime.clone(),
                        workload: base_cell.workload.clone(),
                        size: c.settings.size,
                        phase: metric,
                        scenario: SCENARIO.into(),
                        unit: metric.unit().into(),
                        base: base_stats,
                        current: current_stats,
                        ratio: estimate.ratio,
                        interval: estimate.interval,
                        verdict: judged
                            .then(|| Verdict::judge(estimate.interval, options.threshold)),
                        differences: differences.clone(),
                        note,
                    })
                }
                Ok(None) => {}
                Err(reason) => not_compared.push(NotCompared {
                    runtime: base_cell.runtime.clone(),
                    workload: base_cell.workload.clone(),
                    phase: Some(metric),
                    reason,
                }),
            }
        }
    }
    for current_cell in &c.cells {
        if b.cell(&current_cell.runtime, &current_cell.workload)
            .is_none()
        {
            not_compared.push(whole_cell(current_cell, "only in the current run".into()));
        }
    }
    if common == 0 {
        return Err(CompareError::NoCellInCommon {
            base: base.label.clone(),
            current: current.label.clone(),
            base_cells: b.cells.len(),
            current_cells: c.cells.len(),
        });
    }
    if pairs.is_empty() {
        return Err(CompareError::NothingMeasured {
            base: base.label.clone(),
            current: current.label.clone(),
            common,
            not_compared,
        });
    }
    pairs.sort_by(|x, y| {
        rank(x.verdict)
            .cmp(&rank(y.verdict))
            .then(y.ratio.total_cmp(&x.ratio))
            .then_with(|| {
                (&x.runtime, &x.workload, x.phase).cmp(&(&y.runtime, &y.workload, y.phase))
            })
    });
    let mut differences: Vec<String> = Vec::new();
    for d in pairs.iter().flat_map(|p| &p.differences) {
        if !differences.contains(d) {
            differences.push(d.clone());
        }
    }
    Ok(Comparison {
        schema_version: SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").into(),
        base: summary(base),
        current: summary(current),
        confidence: options.confidence,
        threshold: options.threshold,
        allow_different: options.allow_different,
        resamples: options.resamples,
        seed: options.seed,
        differences,
        pairs,
        not_compared,
    })
}

type Measured = (
    SideStats,
    SideStats,
    bootstrap::RatioInterval,
    Option<String>,
);

/// One metric of a cell measured on both sides: its statistics, or why it
/// cannot be compared; `Ok(None)` when neither side has it (a native twin's
/// compile phase).
fn pair(
    base: &Cell,
    current: &Cell,
    metric: Metric,
    options: &Options,
    seed: u64,
) -> Result<Option<Measured>, String> {
    let (b, c) = match (metric.samples(base), metric.samples(current)) {
        (None, None) => return Ok(None),
        (Some(_), None) => return Err("measured in the base run only".into()),
        (None, Some(_)) => return Err("measured in the current run only".into()),
        (Some(b), Some(c)) => (b, c),
    };
    fn groups<'a>(s: &'a Samples, side: &str) -> Result<Vec<&'a [f64]>, String> {
        bootstrap::by_process(&s.values, &s.per_process).ok_or_else(|| {
            format!(
                "the {side} run's {} samples do not add up to its processes' sample counts (a corrupt results.json?)",
                s.values.len()
            )
        })
    }
    let (base_groups, current_groups) = (groups(&b, "base")?, groups(&c, "current")?);
    let estimate = bootstrap::ratio_of_medians(
        &base_groups,
        &current_groups,
        options.confidence,
        options.resamples,
        seed,
    )
    .ok_or("the base median is zero: no ratio")?;
    let stats = |groups: &[&[f64]], s: &Samples| SideStats {
        median: crate::stats::median(&s.values),
        processes: groups.len(),
        samples: s.values.len(),
    };
    let (bs, cs) = (stats(&base_groups, &b), stats(&current_groups, &c));
    let note = if estimate.interval.is_none() {
        Some("a single sample on a side: no interval, so no verdict but uncertain".to_string())
    } else if bs.processes < 2 || cs.processes < 2 {
        Some(
            "one process on a side: the interval cannot see how much processes differ, which is usually most of the noise"
                .to_string(),
        )
    } else {
        None
    };
    Ok(Some((bs, cs, estimate, note)))
}

/// Order of the worst-first table: what fails CI, then what cannot be told,
/// then what could not be judged, then the good news.
fn rank(verdict: Option<Verdict>) -> u8 {
    match verdict {
        Some(Verdict::Slower) => 0,
        Some(Verdict::Uncertain) => 1,
        None => 2,
        Some(Verdict::NoChange) => 3,
        Some(Verdict::Faster) => 4,
    }
}

fn summary(run: &Run) -> RunSummary {
    let r = run.results;
    RunSummary {
        dir: run.label.clone(),
        started_at: r.started_at,
        tool_version: r.tool_version.clone(),
        size: r.settings.size,
        repetitions: r.settings.repetitions(),
    }
}

fn whole_cell(cell: &Cell, reason: String) -> NotCompared {
    NotCompared {
        runtime: cell.runtime.clone(),
        workload: cell.workload.clone(),
        phase: None,
        reason,
    }
}

fn describe_status(cell: &Cell) -> String {
    match (&cell.status, &cell.error) {
        (Status::Ok, _) | (_, None) => cell.status.to_string(),
        (status, Some(error)) => format!("{status} ({error})"),
    }
}

fn host_differences(b: &Results, c: &Results) -> Vec<String> {
    b.host
        .fingerprint_fields()
        .into_iter()
        .zip(c.host.fingerprint_fields())
        .filter(|((_, x), (_, y))| x != y)
        .map(|((field, x), (_, y))| format!("host {field}: {x} (base) vs {y} (current)"))
        .collect()
}

/// How the two runs' in-runtime budgets differ: with every other setting the
/// same, each ratio is then what the runtimes' own interruption costs.
fn budget_difference(b: &Results, c: &Results) -> String {
    let side = |r: &Results| {
        if r.settings.in_runtime_budget {
            "on"
        } else {
            "off"
        }
    };
    format!(
        "in-runtime budget: {} (base) vs {} (current)",
        side(b),
        side(c)
    )
}

fn describe_runtime_differences(b: &Results, c: &Results, id: &str) -> Vec<String> {
    let (Some(x), Some(y)) = (b.runtime(id), c.runtime(id)) else {
        return vec![format!("{id}: not described in both runs' runtimes")];
    };
    let mut out = Vec::new();
    if x.version != y.version {
        out.push(format!(
            "{id}: version {} (base) vs {} (current)",
            x.version, y.version
        ));
    }
    let keys: BTreeSet<&String> = x.settings.keys().chain(y.settings.keys()).collect();
    for key in keys {
        let (sx, sy) = (x.settings.get(key), y.settings.get(key));
        if sx != sy {
            let show = |s: Option<&String>| s.map_or("unset".to_string(), |s| s.clone());
            out.push(format!(
                "{id}: setting {key} = {} (base) vs {} (current)",
                show(sx),
                show(sy)
            ));
        }
    }
    out
}

fn describe_workload_differences(b: &Results, c: &Results, id: &str) -> Vec<String> {
    let sha = |r: &Results| {
        r.workloads
            .iter()
            .find(|w| w.id == id)
            .and_then(|w| w.sha256.clone())
    };
    let (x, y) = (sha(b), sha(c));
    if x == y && x.is_some() {
        return Vec::new();
    }
    let show = |s: Option<String>| {
        s.map_or("unknown".to_string(), |s| {
            format!("{}…", &s[..s.len().min(12)])
        })
    };
    vec![format!(
        "{id}: module sha256 {} (base) vs {} (current)",
        show(x),
        show(y)
    )]
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::analysis::fixtures::{results, steady};

    fn parse(v: Value) -> Results {
        serde_json::from_value(v).unwrap()
    }

    fn run(results: &Results) -> Run<'_> {
        Run {
            label: "dir".into(),
            results,
        }
    }

    fn options() -> Options {
        Options {
            threshold: 0.05,
            resamples: 1000,
            ..Options::default()
        }
    }

    fn verdict(c: &Comparison, workload: &str, phase: Metric) -> Option<Verdict> {
        c.pairs
            .iter()
            .find(|p| p.workload == workload && p.phase == phase)
            .unwrap()
            .verdict
    }

    #[test]
    fn an_interval_decides_only_when_all_of_it_is_past_the_threshold() {
        let t = 0.05;
        assert_eq!(Verdict::judge(Some([1.06, 1.2]), t), Verdict::Slower);
        assert_eq!(Verdict::judge(Some([1.04, 1.2]), t), Verdict::Uncertain);
        assert_eq!(Verdict::judge(Some([0.96, 1.04]), t), Verdict::NoChange);
        assert_eq!(Verdict::judge(Some([0.95, 1.05]), t), Verdict::NoChange);
        assert_eq!(Verdict::judge(Some([0.80, 1.10]), t), Verdict::Uncertain);
        assert_eq!(Verdict::judge(Some([0.80, 0.94]), t), Verdict::Faster);
        // A point estimate alone, however far off, never says slower.
        assert_eq!(Verdict::judge(None, t), Verdict::Uncertain);
    }

    #[test]
    fn pairs_get_their_verdicts_worst_first() {
        let base = parse(results(&[
            ("rt", "w1", steady(1_000_000)),
            ("rt", "w2", steady(1_000_000)),
        ]));
        let current = parse(results(&[
            ("rt", "w1", steady(1_000_000)),
            ("rt", "w2", steady(1_300_000)),
        ]));
        let c = compare(&run(&base), &run(&current), &options()).unwrap();
        assert_eq!(verdict(&c, "w2", Metric::Execute), Some(Verdict::Slower));
        assert_eq!(verdict(&c, "w1", Metric::Execute), Some(Verdict::NoChange));
        assert_eq!(verdict(&c, "w1", Metric::Memory), Some(Verdict::NoChange));
        assert_eq!(
            (c.pairs[0].workload.as_str(), c.pairs[0].phase),
            ("w2", Metric::Execute)
        );
        assert!(c.any_slower());
        assert!(c.differences.is_empty() && c.not_compared.is_empty());

        let c = compare(&run(&current), &run(&base), &options()).unwrap();
        assert_eq!(verdict(&c, "w2", Metric::Execute), Some(Verdict::Faster));
        assert!(!c.any_slower());
    }

    #[test]
    fn cells_on_one_side_or_not_ok_are_listed_not_compared() {
        let base = results(&[("rt", "w1", steady(1000)), ("rt", "w2", steady(1000))]);
        let mut current = results(&[("rt", "w1", steady(1000))]);
        current["cells"][0]["status"] = json!("crashed");
        current["cells"][0]["error"] = json!("worker died by SIGSEGV");
        let (base, current) = (parse(base), parse(current));
        let err = compare(&run(&base), &run(&current), &options()).unwrap_err();
        let CompareError::NothingMeasured { not_compared, .. } = err else {
            panic!("{err}")
        };
        let reasons: Vec<&str> = not_compared.iter().map(|n| n.reason.as_str()).collect();
        assert_eq!(
            reasons,
            [
                "base ok, current crashed (worker died by SIGSEGV)",
                "only in the base run"
            ]
        );
    }

    #[test]
    fn no_cell_in_common_is_an_error() {
        let base = parse(results(&[("rt", "w1", steady(1000))]));
        let current = parse(results(&[("rt", "w2", steady(1000))]));
        let err = compare(&run(&base), &run(&current), &options()).unwrap_err();
        assert!(matches!(err, CompareError::NoCellInCommon { .. }), "{err}");
        assert!(err.to_string().starts_with("no cell in common"));
    }

    #[test]
    fn different_sides_get_warnings_and_no_verdict_unless_allowed() {
        let base = results(&[("rt", "w1", steady(1000))]);
        let mut current = base.clone();
        current["runtimes"][0]["version"] = json!("2.0");
        current["workloads"][0]["sha256"] = json!("cc");
        current["host"]["kernel"] = json!("6.2");
        current["host"]["hostname"] = json!("another runner");
        current["settings"]["size"] = json!("default");
        let (base, current) = (parse(base), parse(current));
        let c = compare(&run(&base), &run(&current), &options()).unwrap();
        assert_eq!(
            c.differences,
            [
                "host kernel: 6.1 (base) vs 6.2 (current)",
                "size: small (base) vs default (current)",
                "rt: version 1.0 (base) vs 2.0 (current)",
                "w1: module sha256 aa… (base) vs cc… (current)",
            ]
        );
        assert!(
            c.pairs
                .iter()
                .all(|p| p.verdict.is_none() && p.differences == c.differences)
        );

        let allowed = Options {
            allow_different: true,
            ..options()
        };
        let c = compare(&run(&base), &run(&current), &allowed).unwrap();
        assert_eq!(verdict(&c, "w1", Metric::Execute), Some(Verdict::NoChange));
    }

    #[test]
    fn a_single_sample_is_uncertain_with_a_note() {
        let base = parse(results(&[("rt", "w1", vec![vec![1000]])]));
        let current = parse(results(&[("rt", "w1", vec![vec![5000]])]));
        let c = compare(&run(&base), &run(&current), &options()).unwrap();
        let p = &c.pairs[0];
        assert_eq!(
            (p.ratio, p.interval, p.verdict),
            (5.0, None, Some(Verdict::Uncertain))
        );
        assert!(p.note.as_deref().unwrap().starts_with("a single sample"));
    }
}
