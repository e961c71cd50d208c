//! A profile: what a kind of user weighs (weights over measured metrics)
//! and what they cannot do without (hard requirements), read from TOML. The
//! four built-in profiles are the committed files in `profiles/`.

use std::collections::BTreeMap;
use std::fmt;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

/// The built-in profiles, by name, as committed in `profiles/`.
const BUILTIN: [(&str, &str); 4] = [
    ("edge", include_str!("../../../profiles/edge.toml")),
    (
        "serverless",
        include_str!("../../../profiles/serverless.toml"),
    ),
    ("plugin", include_str!("../../../profiles/plugin.toml")),
    ("batch", include_str!("../../../profiles/batch.toml")),
];

/// A measured quantity a profile can weigh.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Metric {
    /// First byte of a fresh process (precompiled artifact where the runtime has one).
    ColdStart,
    /// Instantiate + call + drop in a warm host.
    WarmStart,
    /// Resident memory each more live instance costs (density).
    MemoryPerInstance,
    /// Peak resident memory of the process running a workload.
    PeakMemory,
    Compile,
    /// Execute time over every workload, or over one category's.
    Execute(Option<String>),
    /// The share of the `wasi` conformance suite passed.
    WasiPassRate,
}

impl Metric {
    const NAMES: [&str; 7] = [
        "cold_start",
        "warm_start",
        "memory_per_instance",
        "peak_memory",
        "compile",
        "execute",
        "wasi_pass_rate",
    ];

    fn parse(name: &str) -> Option<Metric> {
        Some(match name {
            "cold_start" => Metric::ColdStart,
            "warm_start" => Metric::WarmStart,
            "memory_per_instance" => Metric::MemoryPerInstance,
            "peak_memory" => Metric::PeakMemory,
            "compile" => Metric::Compile,
            "execute" => Metric::Execute(None),
            "wasi_pass_rate" => Metric::WasiPassRate,
            _ => {
                let category = name.strip_prefix("execute.")?;
                if category.is_empty() {
                    return None;
                }
                Metric::Execute(Some(category.to_string()))
            }
        })
    }

    /// Whether its figure is a count (tests passed), not a measurement with
    /// noise of its own.
    pub fn counted(&self) -> bool {
        matches!(self, Metric::WasiPassRate)
    }

    /// Whether a larger figure is better (a pass rate), not a smaller one.
    pub fn higher_is_better(&self) -> bool {
        matches!(self, Metric::WasiPassRate)
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Metric::Execute(Some(category)) => write!(f, "execute.{category}"),
            Metric::Execute(None) => f.write_str("execute"),
            Metric::ColdStart => f.write_str("cold_start"),
            Metric::WarmStart => f.write_str("warm_start"),
            Metric::MemoryPerInstance => f.write_str("memory_per_instance"),
            Metric::PeakMemory => f.write_str("peak_memory"),
            Metric::Compile => f.write_str("compile"),
            Metric::WasiPassRate => f.write_str("wasi_pass_rate"),
        }
    }
}

/// What excludes a runtime, whatever its score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Requirement {
    /// No sandbox test reached the host (the conformance suite's `ESCAPED:`).
    NoSandboxEscape,
    /// The memory cap refused growth past it (`limit_memory*` held).
    MemoryCapEnforced,
    /// The runtime itself stopped an endless guest (`limit_loop` held).
    TimeBudgetEnforced,
    /// The runtime never crashed its host process, in a run or a test.
    NoHostCrash,
}

impl Requirement {
    const ALL: [(Requirement, &str); 4] = [
        (Requirement::NoSandboxEscape, "no_sandbox_escape"),
        (Requirement::MemoryCapEnforced, "memory_cap_enforced"),
        (Requirement::TimeBudgetEnforced, "time_budget_enforced"),
        (Requirement::NoHostCrash, "no_host_crash"),
    ];

    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(r, _)| *r == self)
            .map_or("", |(_, name)| name)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub name: String,
    pub description: String,
    /// Each metric once, with its weight (positive).
    pub weights: Vec<(Metric, f64)>,
    pub requirements: Vec<Requirement>,
}

/// The file's shape; unknown keys are errors, so that a typo is not a
/// silently ignored weight.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    name: String,
    description: String,
    weights: BTreeMap<String, f64>,
    #[serde(default)]
    requirements: BTreeMap<String, bool>,
}

impl Profile {
    /// The built-in profiles, in their documented order.
    pub fn builtin() -> Vec<Profile> {
        BUILTIN
            .iter()
            .map(|(name, text)| {
                Profile::parse(text).unwrap_or_else(|e| panic!("built-in profile {name}: {e:#}"))
            })
            .collect()
    }

    pub fn builtin_names() -> Vec<&'static str> {
        BUILTIN.iter().map(|(name, _)| *name).collect()
    }

    /// A built-in profile by name, or a profile file by path (anything
    /// ending in `.toml`).
    pub fn load(name_or_path: &str) -> Result<Profile> {
        if let Some((_, text)) = BUILTIN.iter().find(|(name, _)| *name == name_or_path) {
            return Profile::parse(text);
        }
        if !name_or_path.ends_with(".toml") {
            bail!(
                "unknown profile {name_or_path:?}: the built-in ones are {}, or give a .toml file",
                Profile::builtin_names().join(", ")
            );
        }
        let text = std::fs::read_to_string(name_or_path)
            .with_context(|| format!("cannot read the profile {name_or_path}"))?;
        Profile::parse(&text).with_context(|| format!("the profile {name_or_path}"))
    }

    pub fn parse(text: &str) -> Result<Profile> {
        let file: File = toml::from_str(text)?;
        let mut weights = Vec::new();
        for (name, weight) in file.weights {
            let Some(metric) = Metric::parse(&name) else {
                bail!(
                    "unknown metric {name:?} in [weights]; known: {}, and execute.<category>",
                    Metric::NAMES.join(", ")
                );
            };
            if !(weight.is_finite() && weight > 0.0) {
                bail!("the weight of {name} must be a positive number, not {weight}");
            }
            weights.push((metric, weight));
        }
        if weights.is_empty() {
            bail!("a profile needs at least one weight in [weights]");
        }
        let mut requirements = Vec::new();
        for (name, on) in file.requirements {
            let Some((requirement, _)) = Requirement::ALL.iter().find(|(_, n)| *n == name) else {
                let known: Vec<&str> = Requirement::ALL.iter().map(|(_, n)| *n).collect();
                bail!(
                    "unknown requirement {name:?} in [requirements]; known: {}",
                    known.join(", ")
                );
            };
            if on {
                requirements.push(*requirement);
            }
        }
        Ok(Profile {
            name: file.name,
            description: file.description,
            weights,
            requirements,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_profiles_parse() {
        let names: Vec<String> = Profile::builtin().into_iter().map(|p| p.name).collect();
        assert_eq!(names, ["edge", "serverless", "plugin", "batch"]);
    }

    #[test]
    fn unknown_metrics_requirements_and_keys_are_errors() {
        let base = "name = \"x\"\ndescription = \"y\"\n";
        let error = |extra: &str| {
            format!(
                "{:#}",
                Profile::parse(&(base.to_owned() + extra)).unwrap_err()
            )
        };
        assert!(error("[weights]\nspeed = 1\n").contains("unknown metric \"speed\""));
        assert!(error("[weights]\nexecute = 0\n").contains("positive"));
        assert!(
            error("[weights]\nexecute = 1\n[requirements]\nfast = true\n")
                .contains("unknown requirement")
        );
        assert!(error("colour = 1\n[weights]\nexecute = 1\n").contains("colour"));
        assert!(error("[weights]\n").contains("at least one weight"));
        let p = Profile::parse(&(base.to_owned() + "[weights]\n\"execute.data\" = 2\n")).unwrap();
        assert_eq!(p.weights, [(Metric::Execute(Some("data".into())), 2.0)]);
    }
}
