//! The measured phases of an iteration, and the stages a failure can stop
//! at: shared by the worker protocol, the results and every report.

use serde::{Deserialize, Serialize};

/// The phases of an iteration, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Compile,
    Instantiate,
    Execute,
}

impl Phase {
    pub const ALL: [Phase; 3] = [Phase::Compile, Phase::Instantiate, Phase::Execute];

    pub fn name(self) -> &'static str {
        match self {
            Phase::Compile => "compile",
            Phase::Instantiate => "instantiate",
            Phase::Execute => "execute",
        }
    }
}

/// Where a failure happened: a phase, or the steps around them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Creating the runtime or reading the module.
    Setup,
    Compile,
    Instantiate,
    Execute,
    /// Checking the output.
    Verify,
}

impl Stage {
    pub fn name(self) -> &'static str {
        match self {
            Stage::Setup => "setup",
            Stage::Compile => "compile",
            Stage::Instantiate => "instantiate",
            Stage::Execute => "execute",
            Stage::Verify => "verify",
        }
    }
}
