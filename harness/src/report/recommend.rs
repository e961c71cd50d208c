//! What `recommend` says, as report sections: per profile, the ranking with
//! each score's interval and the figures behind it, who is excluded and
//! why, what could not be weighed or checked; and one summary table across
//! profiles for the top of a run's report.

use super::common::capitalised;
use super::{Block, Cell, Column, Kind, Row, Section, Table, Text};
use crate::export::{format_bytes, format_ns};
use crate::recommend::{Metric, Recommendation, SEPARATION, Unranked};
use crate::results::Status;

/// A profile's outcome: its ranking, or why there is none.
pub type Outcome = (String, Result<Recommendation, Unranked>);

/// One row per profile: the answer, how sure, and what was left out.
pub fn summary(outcomes: &[Outcome]) -> Section {
    let mut table = Table::new(vec![
        Column::left("profile"),
        Column::left("first"),
        Column::right("score [95%]"),
        Column::left("second"),
        Column::left("separated?"),
        Column::left("excluded"),
        Column::left("not weighed"),
    ]);
    for (name, outcome) in outcomes {
        let mut cells = vec![Cell::text(name.as_str())];
        match outcome {
            Ok(rec) => {
                let first = rec.ranked.first();
                let second = rec.ranked.get(1);
                cells.push(
                    first.map_or_else(|| Cell::missing("none left"), |r| Cell::code(&r.runtime)),
                );
                cells.push(
                    first.map_or_else(Cell::empty, |r| Cell::figure(score(r.score, r.interval))),
                );
                cells.push(second.map_or_else(Cell::empty, |r| Cell::code(&r.runtime)));
                cells.push(Cell::text(match &rec.separation {
                    Some(s) if s.separated() => format!(
                        "yes ({:.0}% of resamples{})",
                        s.share * 100.0,
                        if s.single_samples[0] > 0 {
                            "; cells of one sample: across workloads only"
                        } else {
                            ""
                        }
                    ),
                    Some(s) if !s.unresolved.is_empty() => {
                        format!("no: one sample each for {}", names(&s.unresolved))
                    }
                    Some(s) => format!("no: first in only {:.0}% of resamples", s.share * 100.0),
                    None => "—".to_string(),
                }));
                let excluded: Vec<&str> = rec.excluded.iter().map(|e| e.runtime.as_str()).collect();
                cells.push(Cell::text(if excluded.is_empty() {
                    "—".into()
                } else {
                    excluded.join(", ")
                }));
                let missing: Vec<String> = rec.missing.iter().map(|(m, _)| m.to_string()).collect();
                cells.push(Cell::text(if missing.is_empty() {
                    "—".into()
                } else {
                    format!(
                        "{} ({:.0}% of the weight{})",
                        missing.join(", "),
                        (1.0 - rec.weighed) * 100.0,
                        if rec.partial() {
                            ": too little measured to recommend"
                        } else {
                            ""
                        }
                    )
                }));
            }
            Err(why) => {
                cells.push(Cell::new(
                    Text::new().strong("cannot rank"),
                    Kind::Status(Status::Failed),
                ));
                cells.push(Cell::empty());
                cells.push(Cell::empty());
                cells.push(Cell::empty());
                cells.push(Cell::empty());
                cells.push(Cell::text(why.short()));
            }
        }
        table.rows.push(Row::new(cells));
    }
    Section::new(
        "Recommendation",
        vec![
            Block::Paragraph(Text::markup(&format!(
                "Which runtime suits each built-in profile (`profiles/*.toml`), from these \
                 results: a score out of 100 (the weighted mean, over the profile's metrics, of \
                 the best runtime's figure over this one's), with its 95% interval from resampling \
                 workloads and samples. Two runtimes are *separated* when the first scores higher \
                 in at least {:.0}% of resamples. `wasm-arena recommend DIR --conformance CDIR` \
                 gives the evidence behind each score.",
                SEPARATION * 100.0
            ))),
            Block::Table(table.with_caption("recommendation")),
        ],
    )
}

/// Everything about one profile: the ranking and its evidence.
pub fn profile(outcome: &Outcome) -> Section {
    let (name, outcome) = outcome;
    let rec = match outcome {
        Ok(rec) => rec,
        Err(why) => {
            return Section::new(
                format!("Profile {name}"),
                vec![Block::Notice(
                    Text::new().strong("Cannot rank.").plain(format!(" {why}")),
                )],
            );
        }
    };
    let p = &rec.profile;
    let mut blocks = vec![Block::Paragraph(Text::from(format!(
        "{}. Weights: {}. Requirements: {}.",
        capitalised(&p.description),
        p.weights
            .iter()
            .map(|(m, w)| format!("{m} {w}"))
            .collect::<Vec<_>>()
            .join(", "),
        if p.requirements.is_empty() {
            "none".to_string()
        } else {
            p.requirements
                .iter()
                .map(|r| r.name())
                .collect::<Vec<_>>()
                .join(", ")
        }
    )))];
    blocks.push(Block::Paragraph(answer(rec)));
    if let Some(s) = rec.separation.as_ref().filter(|s| s.single_samples[0] > 0) {
        blocks.push(Block::Notice(Text::new().strong("Single samples:").plain(
            format!(
                " {} of the {} cells behind the top two scores have one sample each; for them the \
             intervals show which workloads happen to be measured, not each measurement's noise.",
                s.single_samples[0], s.single_samples[1]
            ),
        )));
    }
    if !rec.missing.is_empty() {
        blocks.push(Block::Notice(Text::new().strong("Not weighed:").plain(
            format!(
                " {}. The scores use the other metrics only.",
                rec.missing
                    .iter()
                    .map(|(m, why)| format!("{m} ({why})"))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        )));
    }
    if !rec.ranked.is_empty() {
        blocks.push(Block::Table(ranking(rec)));
    }
    if !rec.excluded.is_empty() {
        blocks.push(Block::Paragraph(
            Text::new().strong("Excluded by a hard requirement:"),
        ));
        blocks.push(Block::List(
            rec.excluded
                .iter()
                .map(|e| {
                    let findings: Vec<String> = e
                        .findings
                        .iter()
                        .map(|(r, found)| format!("{}: {}", r.name(), found.join("; ")))
                        .collect();
                    Text::new()
                        .code(&e.runtime)
                        .plain(format!(" — {}", findings.join(" · ")))
                })
                .collect(),
        ));
    }
    if !rec.unchecked.is_empty() {
        blocks.push(Block::List(
            rec.unchecked
                .iter()
                .map(|(r, runtimes, why)| {
                    Text::new()
                        .strong(format!("{} unchecked", r.name()))
                        .plain(format!(" for {}: {why}", runtimes.join(", ")))
                })
                .collect(),
        ));
    }
    blocks.push(Block::Paragraph(Text::new().strong("Evidence:")));
    blocks.push(Block::List(evidence(rec)));
    Section::new(format!("Profile {name}"), blocks)
}

/// The answer in a sentence, or why there is no single one.
fn answer(rec: &Recommendation) -> Text {
    if rec.partial() {
        return Text::new().strong("No recommendation: ").plain(format!(
            "only {:.0}% of the profile's weight was measured (under {:.0}%), so the ranking \
             below says little about this profile. Measure what it weighs.",
            rec.weighed * 100.0,
            crate::recommend::PARTIAL * 100.0
        ));
    }
    match (&rec.ranked[..], &rec.separation) {
        ([], _) => Text::new().strong("No runtime is left: every one breaks a hard requirement."),
        ([only], _) => Text::new()
            .code(&only.runtime)
            .plain(" is the only runtime that meets the requirements."),
        ([first, ..], Some(s)) if s.separated() => Text::new()
            .strong("Recommended: ")
            .code(&first.runtime)
            .plain(format!(
                ", score {}; it scores above {} in {:.1}% of resamples.",
                score(first.score, first.interval),
                s.second,
                s.share * 100.0
            )),
        ([first, second, ..], Some(s)) if !s.unresolved.is_empty() => Text::new()
            .strong("The data does not separate ")
            .code(&first.runtime)
            .strong(" and ")
            .code(&second.runtime)
            .plain(format!(
                ": {} scores {} against {}, but for {} they have a single sample of one workload \
                 each, which says nothing of its noise. Measure more processes and iterations.",
                first.runtime,
                score(first.score, first.interval),
                score(second.score, second.interval),
                names(&s.unresolved)
            )),
        ([first, second, ..], Some(s)) => Text::new()
            .strong("The data does not separate ")
            .code(&first.runtime)
            .strong(" and ")
            .code(&second.runtime)
            .plain(format!(
                ": {} scores {} against {}, but higher in only {:.1}% of resamples (under {:.0}%). \
                 Choose between them on other grounds, or measure more.",
                first.runtime,
                score(first.score, first.interval),
                score(second.score, second.interval),
                s.share * 100.0,
                SEPARATION * 100.0
            )),
        _ => Text::new(),
    }
}

fn ranking(rec: &Recommendation) -> Table {
    let mut columns = vec![
        Column::right("rank"),
        Column::left("runtime"),
        Column::right("score [95%]"),
    ];
    let weighed = &rec.ranked[0].metrics;
    columns.extend(
        weighed
            .iter()
            .map(|m| Column::right(format!("{} (×{})", m.metric, m.weight))),
    );
    let mut table = Table::new(columns).with_caption(&format!("{} ranking", rec.profile.name));
    for (i, r) in rec.ranked.iter().enumerate() {
        let mut cells = vec![
            Cell::figure((i + 1).to_string()),
            Cell::code(&r.runtime),
            Cell::figure(score(r.score, r.interval)),
        ];
        for m in &r.metrics {
            let failed = if m.failed.is_empty() {
                String::new()
            } else {
                format!(", {} failed", m.failed.len())
            };
            cells.push(match m.value {
                Some((value, [lo, hi])) => Cell::figure(format!(
                    "{} [{}–{}] · {:.2}{failed}",
                    figure(&m.metric, value),
                    figure(&m.metric, lo),
                    figure(&m.metric, hi),
                    m.score
                )),
                None if m.failed.is_empty() => Cell::missing("not measured"),
                None => Cell::new(
                    format!("all {} failed", m.failed.len()),
                    Kind::Status(Status::Failed),
                ),
            });
        }
        table.rows.push(Row::new(cells));
    }
    table
}

/// Per metric, the cells behind it; per runtime, the cells it failed.
fn evidence(rec: &Recommendation) -> Vec<Text> {
    let mut items = Vec::new();
    for (m, metric) in rec.ranked[..]
        .first()
        .map(|r| &r.metrics[..])
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let mut cells: Vec<&str> = rec
            .ranked
            .iter()
            .flat_map(|r| {
                r.metrics[m]
                    .cells
                    .iter()
                    .chain(r.metrics[m].failed.iter().map(|(c, _)| c))
            })
            .map(String::as_str)
            .collect();
        cells.sort_unstable();
        cells.dedup();
        let mut text = Text::new().code(metric.metric.to_string()).plain(format!(
            " — {}: {} cell(s): {}.",
            describe(&metric.metric),
            cells.len(),
            cells.join(", ")
        ));
        let failures: Vec<String> = rec
            .ranked
            .iter()
            .flat_map(|r| {
                r.metrics[m]
                    .failed
                    .iter()
                    .map(move |(c, why)| format!("{} on {c}: {why}", r.runtime))
            })
            .collect();
        if !failures.is_empty() {
            text = text.plain(format!(" Scored 0: {}.", failures.join("; ")));
        }
        items.push(text);
    }
    items
}

fn describe(metric: &Metric) -> &'static str {
    match metric {
        Metric::ColdStart => {
            "first byte of a fresh process, p50 (precompiled where the runtime has it)"
        }
        Metric::WarmStart => "instantiate + call + drop in a warm host, median",
        Metric::MemoryPerInstance => "resident memory per more live instance (density)",
        Metric::PeakMemory => "peak resident memory of the process running the guest",
        Metric::Compile => "compile time, median per workload",
        Metric::Execute(_) => "execute time, median per workload",
        Metric::WasiPassRate => "share of the wasi conformance suite passed",
    }
}

fn names(metrics: &[Metric]) -> String {
    metrics
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn figure(metric: &Metric, value: f64) -> String {
    match metric {
        Metric::MemoryPerInstance | Metric::PeakMemory => format_bytes(value.max(0.0) as u64),
        Metric::WasiPassRate => format!("{:.1}%", value * 100.0),
        _ => format_ns(value),
    }
}

fn score(score: f64, [lo, hi]: [f64; 2]) -> String {
    format!("{score:.0} [{lo:.0}–{hi:.0}]")
}
