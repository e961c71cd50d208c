//! The sandbox suite's escape probes as native code
//! (`workloads/native/escape.c`): does a program reach a host file next to
//! the directory it was granted, by absolute path, by `..`, or through a
//! symlink the grant holds? Run bare, as the native twin runs, the answer
//! is expected to be yes; in a container, where the grant is a bind mount
//! and the host's files are outside its root, no. Measured, not assumed.

use serde::{Deserialize, Serialize};

use super::Kind;
use crate::RunError;

/// One probe's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Escape {
    /// `absolute`, `dotdot` or `symlink`.
    pub probe: String,
    /// Whether it read the host file it was not granted.
    pub reached: bool,
}

/// Where the probes run.
#[derive(Debug, Clone, Copy)]
pub enum Place {
    /// As a native twin runs: the grant a link in its working directory.
    Native,
    /// In a container of this image: the grant a bind mount.
    Container(Kind),
}

const PROBES: [&str; 3] = ["absolute", "dotdot", "symlink"];

/// Runs the probes; each one's answer.
#[cfg(not(feature = "container"))]
pub fn escapes(_: Place) -> Result<Vec<Escape>, RunError> {
    Err(RunError::Unsupported(
        "the escape probes run with the container feature; rebuild with `--features container`"
            .into(),
    ))
}

/// Runs the probes; each one's answer.
#[cfg(feature = "container")]
pub fn escapes(place: Place) -> Result<Vec<Escape>, RunError> {
    use super::bundle::{Container, Grant};
    use crate::native::twin;
    use std::process::Command;
    use std::time::Duration;

    let (program, fixed) = twin::companion("escape")?;
    let scratch = tempfile::tempdir()
        .map_err(|e| RunError::Other(format!("cannot make a temporary directory: {e}")))?;
    let io = |what: &str, e: std::io::Error| RunError::Other(format!("cannot {what}: {e}"));
    let secret = format!("wasm-arena-secret-{}", std::process::id());
    let secret_file = scratch.path().join("secret.txt");
    let granted = scratch.path().join("granted");
    std::fs::write(&secret_file, &secret).map_err(|e| io("write the host file", e))?;
    std::fs::create_dir(&granted).map_err(|e| io("make the granted directory", e))?;
    std::os::unix::fs::symlink(&secret_file, granted.join("link"))
        .map_err(|e| io("make the symlink", e))?;
    let args = [
        "escape".to_string(),
        secret,
        secret_file.display().to_string(),
    ];
    let budget = Some(Duration::from_secs(30));
    let outcome = match place {
        Place::Native => {
            let work = scratch.path().join("work");
            std::fs::create_dir(&work).map_err(|e| io("make a working directory", e))?;
            std::os::unix::fs::symlink(&granted, work.join("granted"))
                .map_err(|e| io("grant the directory", e))?;
            let mut command = Command::new(&program);
            command.args(&args[1..]).env_clear().current_dir(&work);
            twin::run(command, &[], budget, "the escape probe")?
        }
        Place::Container(kind) => {
            super::can_run()?;
            let program = match kind {
                Kind::Debian => &program,
                Kind::Minimal => &fixed,
            };
            let built = super::image::build(kind, "escape", program)?;
            let grant = Grant {
                host: &granted,
                guest: "/granted",
                read_only: true,
            };
            let container = Container::new(&built, &args, &[], &[grant])?;
            twin::run(container.command(), &[], budget, "the escape probe")?
        }
    };
    parse(&outcome.stdout).ok_or_else(|| {
        RunError::Other(format!(
            "the escape probe exited with code {} and printed {:?} (stderr: {})",
            outcome.exit_code,
            String::from_utf8_lossy(&outcome.stdout),
            String::from_utf8_lossy(&outcome.stderr).trim()
        ))
    })
}

/// `NAME: reached|refused`, one line per probe, in order.
fn parse(stdout: &[u8]) -> Option<Vec<Escape>> {
    let text = std::str::from_utf8(stdout).ok()?;
    let escapes: Vec<Escape> = text
        .lines()
        .map(|line| {
            let (probe, answer) = line.split_once(": ")?;
            let reached = match answer {
                "reached" => true,
                "refused" => false,
                _ => return None,
            };
            Some(Escape {
                probe: probe.to_string(),
                reached,
            })
        })
        .collect::<Option<_>>()?;
    let names: Vec<&str> = escapes.iter().map(|e| e.probe.as_str()).collect();
    (names == PROBES).then_some(escapes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_lines_are_read_in_order_and_nothing_else() {
        let escapes = parse(b"absolute: reached\ndotdot: refused\nsymlink: reached\n").unwrap();
        assert_eq!(
            escapes.iter().map(|e| e.reached).collect::<Vec<_>>(),
            [true, false, true]
        );
        assert_eq!(parse(b"absolute: reached\n"), None);
        assert_eq!(
            parse(b"absolute: maybe\ndotdot: refused\nsymlink: reached\n"),
            None
        );
        assert_eq!(parse(b""), None);
    }
}
