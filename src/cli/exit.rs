//! The exit statuses of `wasm-arena`, in one place: what a command's result
//! means to the shell, and the list `--help` prints.

use std::fmt::{Debug, Display};
use std::process::ExitCode;

const SUCCESS: u8 = 0;
const FAILURES: u8 = 1;
/// Also what clap exits with for a bad flag.
const USAGE: u8 = 2;
const OPERATIONAL: u8 = 3;
/// 128 + SIGINT, as shells expect after Ctrl-C.
const INTERRUPTED: u8 = 130;

/// How a command that ran to its end went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Everything worked and every result is as it should be.
    Success,
    /// The command worked and found failures: a cell not ok, a conformance
    /// result not as expected, a comparison's pair slower beyond the threshold.
    Failures,
    /// Stopped by Ctrl-C; what finished is saved.
    Interrupted,
}

/// Why a command stopped. There is no `From<anyhow::Error>`: every `?` says,
/// through [`Classify`], whose fault an error is, so that a failure of the
/// machine is never reported as bad input.
#[derive(Debug)]
pub enum Error {
    /// The input is wrong: a flag, an id, a path the user named.
    Usage(anyhow::Error),
    /// Something failed that the input did not cause: an I/O error mid-run,
    /// a worker that cannot be started, a full disk.
    Operational(anyhow::Error),
}

impl Error {
    /// A usage error with `message`.
    pub fn usage(message: impl Display + Debug + Send + Sync + 'static) -> Error {
        Error::Usage(anyhow::Error::msg(message))
    }
}

/// Marks a fallible step's errors as usage or operational ones.
pub trait Classify<T> {
    /// Fails with [`Error::Usage`].
    fn usage(self) -> Result<T, Error>;
    /// Fails with [`Error::Operational`].
    fn operational(self) -> Result<T, Error>;
}

impl<T, E: Into<anyhow::Error>> Classify<T> for Result<T, E> {
    fn usage(self) -> Result<T, Error> {
        self.map_err(|e| Error::Usage(e.into()))
    }

    fn operational(self) -> Result<T, Error> {
        self.map_err(|e| Error::Operational(e.into()))
    }
}

/// The process's exit status for `result`; an error is printed to stderr first.
pub fn status(result: Result<Outcome, Error>) -> ExitCode {
    if let Err(Error::Usage(e) | Error::Operational(e)) = &result {
        eprintln!("error: {e:#}");
    }
    ExitCode::from(code(&result))
}

fn code(result: &Result<Outcome, Error>) -> u8 {
    match result {
        Ok(Outcome::Success) => SUCCESS,
        Ok(Outcome::Failures) => FAILURES,
        Ok(Outcome::Interrupted) => INTERRUPTED,
        Err(Error::Usage(_)) => USAGE,
        Err(Error::Operational(_)) => OPERATIONAL,
    }
}

/// The statuses, as the top-level `--help` lists them.
pub fn help() -> String {
    // One line each, short enough for an 80-column terminal: clap re-wraps
    // after_help without keeping indentation.
    format!(
        "Exit status:
  {SUCCESS}    success
  {FAILURES}    failures found: a cell not ok, a result not as expected, a slowdown
  {USAGE}    bad input: a flag, an id, a file or directory (the message names it)
  {OPERATIONAL}    operational failure: an I/O error mid-run, a worker that cannot start
  {INTERRUPTED}  interrupted by Ctrl-C; what finished is saved"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn io_error() -> Result<(), std::io::Error> {
        Err(std::io::Error::other("disk full"))
    }

    #[test]
    fn usage_errors_are_2_and_operational_ones_3() {
        assert_eq!(code(&io_error().usage().map(|()| Outcome::Success)), 2);
        assert_eq!(
            code(&io_error().operational().map(|()| Outcome::Success)),
            3
        );
        assert_eq!(code(&Err(Error::usage("unknown runtime id(s): x"))), 2);
    }

    #[test]
    fn outcomes_are_0_1_and_130() {
        assert_eq!(code(&Ok(Outcome::Success)), 0);
        assert_eq!(code(&Ok(Outcome::Failures)), 1);
        assert_eq!(code(&Ok(Outcome::Interrupted)), 130);
    }

    #[test]
    fn help_lists_every_status() {
        let help = help();
        for status in [SUCCESS, FAILURES, USAGE, OPERATIONAL, INTERRUPTED] {
            assert!(help.contains(&format!("\n  {status} ")), "{status}: {help}");
        }
    }
}
