//! The start-up scenarios beside the iteration cells of `run`: cold start (a
//! fresh process per request, measured in [`crate::cold`]), a warm host
//! serving requests (a fresh instance of an already compiled module per
//! request) and density (many instances alive at once in one host). Warm and
//! density run each (runtime, workload) in one worker process of its own; its
//! events become a [`ScenarioCell`] here.

use serde::{Deserialize, Serialize};

use crate::results::Status;
use crate::stats;
use crate::worker::WorkerRun;
use crate::worker::protocol::{ConcurrencySample, Event, LevelSample, RequestSample};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scenario {
    /// The iteration cells: compile, instantiate and execute afresh each time.
    Run,
    /// A fresh process per request: spawn, load, instantiate, run, first
    /// byte of output.
    Cold,
    /// One compiled module in a long-lived host; per request a new instance,
    /// the handler's run, and the drop.
    Warm,
    /// Instances kept alive at once, level after level: resident memory per
    /// instance and instantiate latency as the host fills up.
    Density,
}

impl Scenario {
    pub const ALL: [Scenario; 4] = [
        Scenario::Run,
        Scenario::Cold,
        Scenario::Warm,
        Scenario::Density,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scenario::Run => "run",
            Scenario::Cold => "cold",
            Scenario::Warm => "warm",
            Scenario::Density => "density",
        }
    }

    /// A guess at one unit's cost (a request; a density level), for the ETA
    /// until the scenario's first cell has run.
    pub fn prior_per_unit(self) -> std::time::Duration {
        std::time::Duration::from_millis(match self {
            Scenario::Run => 200,
            Scenario::Cold => 20,
            Scenario::Warm => 1,
            Scenario::Density => 500,
        })
    }
}

impl std::str::FromStr for Scenario {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Scenario::ALL
            .into_iter()
            .find(|scenario| scenario.name() == s)
            .ok_or_else(|| format!("unknown scenario `{s}` (run, cold, warm, density)"))
    }
}

/// How a scenario is sized.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioSettings {
    /// Requests a warm host serves, and fresh processes a cold start starts
    /// (per variant).
    pub requests: u32,
    /// How many instances are alive at each density level, ascending.
    pub levels: Vec<u32>,
    /// Threads a warm host serves from at once, level after level.
    #[serde(default = "default_threads")]
    pub threads: Vec<u32>,
}

impl ScenarioSettings {
    /// Requests a warm host serves: one at a time, then at each thread level.
    pub fn warm_requests(&self) -> u64 {
        let threads: u64 = self.threads.iter().map(|&t| u64::from(t)).sum();
        u64::from(self.requests) * (1 + threads)
    }
}

/// One thread, then as many as this machine's two cores.
fn default_threads() -> Vec<u32> {
    vec![1, 2]
}

impl Default for ScenarioSettings {
    fn default() -> Self {
        ScenarioSettings {
            requests: 100,
            levels: vec![1, 10, 100, 1000],
            threads: default_threads(),
        }
    }
}

/// One (runtime, workload, scenario) measurement.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScenarioCell {
    pub runtime: String,
    pub workload: String,
    pub scenario: Scenario,
    /// `ok` when every request (every level) was served; a density run that
    /// stopped at a level is `failed` with the level reached in `density`.
    pub status: Status,
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warm: Option<WarmResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub density: Option<DensityResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cold: Option<crate::cold::ColdResult>,
    /// The host process's own peak resident size.
    pub peak_rss_bytes: Option<u64>,
}

/// A latency distribution: raw samples and the percentiles reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    pub samples_ns: Vec<u64>,
    pub p50_ns: f64,
    pub p90_ns: f64,
    pub p99_ns: f64,
    pub max_ns: f64,
}

impl Latency {
    pub fn new(samples_ns: Vec<u64>) -> Option<Latency> {
        let mut sorted: Vec<f64> = samples_ns.iter().map(|&v| v as f64).collect();
        sorted.sort_by(f64::total_cmp);
        let at = |p| stats::percentile_sorted(&sorted, p);
        Some(Latency {
            p50_ns: (!sorted.is_empty()).then(|| at(50.0))?,
            p90_ns: at(90.0),
            p99_ns: at(99.0),
            max_ns: *sorted.last()?,
            samples_ns,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WarmResult {
    /// Requests served (each checked against the workload's oracle).
    pub requests: u32,
    /// Instantiate + run + drop, per request.
    pub total: Latency,
    pub instantiate: Latency,
    /// The handler's run: `_start`, or the plugin's calls.
    pub run: Latency,
    /// The same requests from threads at once, one level per thread count.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub concurrency: Vec<ConcurrencyLevel>,
    /// Why the host could not serve from threads at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency_refused: Option<String>,
}

/// Requests served from `threads` threads at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConcurrencyLevel {
    pub threads: u32,
    /// Requests served in all (each thread served the same number).
    pub requests: u32,
    /// From the first request's start to the last one's end.
    pub wall_ns: u64,
    pub requests_per_s: f64,
    /// Instantiate + run + drop per request.
    pub latency: Latency,
}

impl ConcurrencyLevel {
    fn new(sample: &ConcurrencySample) -> Option<ConcurrencyLevel> {
        let requests = sample.request_ns.len() as u32;
        Some(ConcurrencyLevel {
            threads: sample.threads,
            requests,
            wall_ns: sample.wall_ns,
            requests_per_s: f64::from(requests) / (sample.wall_ns.max(1) as f64 / 1e9),
            latency: Latency::new(sample.request_ns.clone())?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DensityResult {
    /// Resident size of the host with the module compiled, before any instance.
    pub baseline_bytes: u64,
    pub levels: Vec<DensityLevel>,
    /// The most instances that were alive at once.
    pub reached: u32,
    /// The level that could not be reached, and why (an instantiate error,
    /// the host process dying); `None` when every level was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<DensityLimit>,
    /// (Resident size at the highest level reached − at the first) ÷ the
    /// instances added between them: what one more instance costs.
    pub marginal_bytes_per_instance: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DensityLimit {
    pub level: u32,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DensityLevel {
    /// Instances alive.
    pub instances: u32,
    /// The host's resident size with them alive.
    pub resident_bytes: u64,
    /// Instantiate latency of the instances added to reach this level.
    pub instantiate: Latency,
}

/// Builds the cell from its worker's events and how the worker ended.
pub fn cell_from_run(
    runtime: &str,
    workload: &str,
    scenario: Scenario,
    settings: &ScenarioSettings,
    run: &WorkerRun,
) -> ScenarioCell {
    let requests: Vec<RequestSample> = run
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Request(r) => Some(*r),
            _ => None,
        })
        .collect();
    let levels: Vec<&LevelSample> = run
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Level(l) => Some(l),
            _ => None,
        })
        .collect();
    let baseline = run.events.iter().find_map(|e| match e {
        Event::Compiled { resident_bytes } => Some(*resident_bytes),
        _ => None,
    });
    let peak_rss_bytes = run.events.iter().find_map(|e| match e {
        Event::Finished { peak_rss_bytes } => *peak_rss_bytes,
        _ => None,
    });
    let (mut status, mut error) = match crate::results::diagnose(run) {
        Some((status, error, _)) => (status, Some(error)),
        None => (Status::Ok, None),
    };
    let warm = (scenario == Scenario::Warm && !requests.is_empty()).then(|| {
        let total = requests
            .iter()
            .map(|r| r.instantiate_ns + r.run_ns + r.drop_ns);
        WarmResult {
            requests: requests.len() as u32,
            total: Latency::new(total.collect()).expect("one request"),
            instantiate: Latency::new(requests.iter().map(|r| r.instantiate_ns).collect())
                .expect("one request"),
            run: Latency::new(requests.iter().map(|r| r.run_ns).collect()).expect("one request"),
            concurrency: run
                .events
                .iter()
                .filter_map(|e| match e {
                    Event::Concurrency(sample) => ConcurrencyLevel::new(sample),
                    _ => None,
                })
                .collect(),
            concurrency_refused: run.events.iter().find_map(|e| match e {
                Event::ConcurrencyRefused { reason } => Some(reason.clone()),
                _ => None,
            }),
        }
    });
    let mut density = match (scenario, baseline) {
        (Scenario::Density, Some(baseline_bytes)) => Some(density(baseline_bytes, &levels)),
        _ => None,
    };
    // A host that stopped after reaching a level found its limit: that is
    // the measurement, not a failure of the cell.
    if let Some(d) = density.as_mut().filter(|d| d.reached > 0)
        && let Some(reason) = error.take()
    {
        let level = settings.levels.iter().copied().find(|&l| l > d.reached);
        d.limit = Some(DensityLimit {
            level: level.unwrap_or(d.reached),
            reason,
        });
        status = Status::Ok;
    }
    ScenarioCell {
        runtime: runtime.into(),
        workload: workload.into(),
        scenario,
        status,
        error,
        warm,
        density,
        cold: None,
        peak_rss_bytes,
    }
}

fn density(baseline_bytes: u64, samples: &[&LevelSample]) -> DensityResult {
    let levels: Vec<DensityLevel> = samples
        .iter()
        .filter_map(|l| {
            Some(DensityLevel {
                instances: l.instances,
                resident_bytes: l.resident_bytes,
                instantiate: Latency::new(l.instantiate_ns.clone())?,
            })
        })
        .collect();
    let marginal_bytes_per_instance = match (levels.first(), levels.last()) {
        (Some(first), Some(last)) if last.instances > first.instances => Some(
            (last.resident_bytes as f64 - first.resident_bytes as f64)
                / f64::from(last.instances - first.instances),
        ),
        _ => None,
    };
    DensityResult {
        baseline_bytes,
        reached: levels.last().map_or(0, |l| l.instances),
        limit: None,
        levels,
        marginal_bytes_per_instance,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phase::Stage;
    use crate::worker::protocol::Failure;
    use crate::worker::{Exit, Usage};
    use wasm_arena_adapters::RunError;

    fn worker(events: Vec<Event>) -> WorkerRun {
        WorkerRun {
            events,
            exit: Exit::Code { code: 0 },
            usage: Usage::default(),
            spawn_ns: Some(1),
            stderr: String::new(),
        }
    }

    #[test]
    fn percentiles_of_a_known_distribution() {
        // 1..=100 µs: p50 between the 50th and 51st, p99 near the top.
        let l = Latency::new((1..=100).map(|us| us * 1000).collect()).unwrap();
        let close = |a: f64, b: f64| (a - b).abs() < 1e-6;
        assert!(close(l.p50_ns, 50_500.0), "{l:?}");
        assert!(close(l.p90_ns, 90_100.0), "{l:?}");
        assert!(close(l.p99_ns, 99_010.0), "{l:?}");
        assert_eq!(l.max_ns, 100_000.0);
        assert_eq!(Latency::new(vec![]), None);
    }

    #[test]
    fn warm_requests_become_latencies() {
        let request = |i: u64| {
            Event::Request(RequestSample {
                instantiate_ns: 10 * i,
                run_ns: 100 * i,
                drop_ns: 1,
            })
        };
        let run = worker(vec![
            Event::Ready,
            request(1),
            request(2),
            request(3),
            Event::Done,
        ]);
        let cell = cell_from_run(
            "rt",
            "hello",
            Scenario::Warm,
            &ScenarioSettings::default(),
            &run,
        );
        assert_eq!(cell.status, Status::Ok);
        let warm = cell.warm.unwrap();
        assert_eq!(warm.requests, 3);
        assert_eq!(warm.total.samples_ns, [111, 221, 331]);
        assert_eq!(warm.instantiate.p50_ns, 20.0);
    }

    #[test]
    fn density_stops_at_the_level_it_could_not_reach_and_says_why() {
        let level = |instances, mib: u64| {
            Event::Level(LevelSample {
                instances,
                resident_bytes: mib << 20,
                instantiate_ns: vec![5; instances as usize],
            })
        };
        let failed = Event::Failed {
            stage: Stage::Instantiate,
            error: Failure::Runtime {
                error: RunError::Instantiate("out of slots at instance 1001".into()),
            },
        };
        let run = worker(vec![
            Event::Ready,
            Event::Compiled {
                resident_bytes: 20 << 20,
            },
            level(1, 21),
            level(10, 30),
            level(100, 120),
            failed,
        ]);
        let settings = ScenarioSettings::default();
        let cell = cell_from_run("rt", "edge", Scenario::Density, &settings, &run);
        // The limit is the finding; the cell is not a failure.
        assert_eq!((cell.status, cell.error), (Status::Ok, None));
        let density = cell.density.unwrap();
        let limit = density.limit.unwrap();
        assert_eq!(limit.level, 1000);
        assert!(limit.reason.contains("out of slots"), "{}", limit.reason);
        assert_eq!(density.reached, 100);
        assert_eq!(density.baseline_bytes, 20 << 20);
        // (120 − 21) MiB over 99 instances: 1 MiB each.
        assert_eq!(
            density.marginal_bytes_per_instance,
            Some(f64::from(1 << 20))
        );

        // A host that cannot make even one instance is a failed cell.
        let failed = Event::Failed {
            stage: Stage::Instantiate,
            error: Failure::Runtime {
                error: RunError::Instantiate("no usable `_start`".into()),
            },
        };
        let compiled = Event::Compiled { resident_bytes: 1 };
        let run = worker(vec![Event::Ready, compiled, failed]);
        let cell = cell_from_run("rt", "edge", Scenario::Density, &settings, &run);
        assert_eq!(cell.status, Status::Failed);
        assert_eq!(cell.density.unwrap().reached, 0);
    }
}
