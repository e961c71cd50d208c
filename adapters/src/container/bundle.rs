//! One container: a bundle directory whose `config.json` is umoci's
//! configuration for the image with this run's program, arguments,
//! environment and grants, its root the image's unpacked root file system
//! shared read-only by every run, and `runc run` to start it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::image::Built;
use crate::RunError;

/// Where runc keeps the state of running containers (its default as root).
const RUNC_STATE: &str = "/run/runc";

/// A directory the container is given, mounted at its guest path.
pub struct Grant<'a> {
    pub host: &'a Path,
    pub guest: &'a str,
    pub read_only: bool,
}

/// A container ready to start. Dropping it removes the container if runc
/// left it behind (a run killed at its deadline).
pub struct Container {
    id: String,
    bundle: tempfile::TempDir,
}

impl Container {
    /// The bundle for running `args` (`args[0]` is the program's name, which
    /// a container cannot set: runc starts the image's program by its path).
    pub fn new(
        image: &Built,
        args: &[String],
        env: &[(String, String)],
        grants: &[Grant],
    ) -> Result<Container, RunError> {
        let bundle = tempfile::Builder::new()
            .prefix("wasm-arena-bundle-")
            .tempdir()
            .map_err(|e| RunError::Instantiate(format!("cannot make a bundle directory: {e}")))?;
        let config = config(image, args, env, grants)?;
        let path = bundle.path().join("config.json");
        std::fs::write(&path, config.to_string())
            .map_err(|e| RunError::Instantiate(format!("cannot write {}: {e}", path.display())))?;
        Ok(Container {
            id: unique_id(),
            bundle,
        })
    }

    /// `runc run`, which exits with the program's exit code. The caller's
    /// fd 3 (the twin's timing report pipe) is passed in as fd 3, where the
    /// twin's shim looks for it.
    pub fn command(&self) -> Command {
        let mut command = self.runc("run");
        command.args(["--preserve-fds", "1"]).arg(&self.id);
        command
    }

    /// `runc VERB --bundle DIR`, with nothing of the caller's environment but
    /// PATH.
    fn runc(&self, verb: &str) -> Command {
        let mut command = Command::new("runc");
        command
            .arg(verb)
            .arg("--bundle")
            .arg(self.bundle.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default());
        command
    }
}

impl Drop for Container {
    fn drop(&mut self) {
        if Path::new(RUNC_STATE).join(&self.id).exists() {
            let _ = Command::new("runc")
                .args(["delete", "--force", &self.id])
                .output();
        }
    }
}

fn unique_id() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "wasm-arena-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// umoci's configuration with this run's process, root and mounts.
fn config(
    image: &Built,
    args: &[String],
    env: &[(String, String)],
    grants: &[Grant],
) -> Result<Value, RunError> {
    let mut config = image.config.clone();
    let argv: Vec<&str> = std::iter::once(image.entry.as_str())
        .chain(args.iter().skip(1).map(String::as_str))
        .collect();
    let env: Vec<String> = env.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let process = config
        .get_mut("process")
        .and_then(Value::as_object_mut)
        .ok_or_else(|| RunError::Instantiate("umoci's config.json has no process".into()))?;
    process.insert("terminal".into(), json!(false));
    process.insert("args".into(), json!(argv));
    process.insert("env".into(), json!(env));
    // The workloads open their grants by relative path (`input/...`), which
    // from `/` reaches the mounts below.
    process.insert("cwd".into(), json!("/"));
    config["root"] = json!({ "path": image.rootfs, "readonly": true });
    let mounts = config
        .get_mut("mounts")
        .and_then(Value::as_array_mut)
        .ok_or_else(|| RunError::Instantiate("umoci's config.json has no mounts".into()))?;
    for grant in grants {
        if !grant.guest.starts_with('/') || grant.guest.split('/').any(|part| part == "..") {
            return Err(RunError::Unsupported(format!(
                "a container cannot be granted `{}`: a grant is a bind mount at an absolute \
                 path",
                grant.guest
            )));
        }
        let mode = if grant.read_only { "ro" } else { "rw" };
        mounts.push(json!({
            "destination": grant.guest,
            "type": "bind",
            "source": grant.host,
            "options": ["rbind", mode],
        }));
    }
    Ok(config)
}

/// What a container actually got, read back from its process while it
/// exists: the namespaces it does not share with the harness, its cgroup and
/// the limits there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Isolation {
    /// Namespaces of the container's process that differ from the harness's
    /// (`mnt`, `pid`, ...).
    pub namespaces: Vec<String>,
    /// Namespaces it shares with the host.
    pub shared: Vec<String>,
    /// Its cgroup (from /proc/PID/cgroup).
    pub cgroup: String,
    /// Limits read from that cgroup (`memory.max`, `pids.max`), as written.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub limits: std::collections::BTreeMap<String, String>,
    /// Whether the root file system was mounted read-only.
    pub read_only_root: bool,
}

/// Creates the container without starting its program (`runc create`),
/// reads what it got, and deletes it.
pub fn isolation(image: &Built) -> Result<Isolation, RunError> {
    let container = Container::new(image, &[String::new()], &[], &[])?;
    let pid_file = container.bundle.path().join("pid");
    // The created process keeps runc's stdio: a pipe would never close.
    let log = container.bundle.path().join("create.log");
    let stderr = std::fs::File::create(&log)
        .map_err(|e| RunError::Other(format!("cannot write {}: {e}", log.display())))?;
    // Not `run`: `create` leaves the process waiting before the program.
    let status = container
        .runc("create")
        .arg("--pid-file")
        .arg(&pid_file)
        .arg(&container.id)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(stderr)
        .status()
        .map_err(|e| RunError::Unsupported(format!("cannot run runc: {e}")))?;
    if !status.success() {
        return Err(RunError::Other(format!(
            "runc create failed: {}",
            std::fs::read_to_string(&log).unwrap_or_default().trim()
        )));
    }
    let pid = std::fs::read_to_string(&pid_file)
        .ok()
        .and_then(|text| text.trim().parse::<u32>().ok())
        .ok_or_else(|| RunError::Other("runc create wrote no pid file".into()))?;
    let proc_dir = PathBuf::from(format!("/proc/{pid}"));
    let (mut namespaces, mut shared) = (Vec::new(), Vec::new());
    for ns in ["cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"] {
        let theirs = std::fs::read_link(proc_dir.join("ns").join(ns));
        let ours = std::fs::read_link(Path::new("/proc/self/ns").join(ns));
        match (theirs, ours) {
            (Ok(theirs), Ok(ours)) if theirs != ours => namespaces.push(ns.to_string()),
            (Ok(_), Ok(_)) => shared.push(ns.to_string()),
            _ => {}
        }
    }
    let cgroup = std::fs::read_to_string(proc_dir.join("cgroup")).unwrap_or_default();
    let limits = cgroup_limits(&cgroup);
    let read_only_root = std::fs::read_to_string(proc_dir.join("mountinfo"))
        .unwrap_or_default()
        .lines()
        .find(|line| line.split(' ').nth(4) == Some("/"))
        .is_some_and(|line| {
            line.split(' ')
                .nth(5)
                .is_some_and(|options| options.split(',').any(|o| o == "ro"))
        });
    Ok(Isolation {
        namespaces,
        shared,
        cgroup: cgroup
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("; "),
        limits,
        read_only_root,
    })
}

/// The limits set on a process's cgroups, from its `/proc/PID/cgroup`: the
/// unified hierarchy's files (`0::PATH`) and, on a hybrid host, the v1
/// memory, pids and cpu controllers' (`N:CONTROLLER:PATH`).
fn cgroup_limits(cgroup: &str) -> std::collections::BTreeMap<String, String> {
    let mut limits = std::collections::BTreeMap::new();
    let root = Path::new("/sys/fs/cgroup");
    for line in cgroup.lines() {
        let mut fields = line.splitn(3, ':');
        let (Some(_), Some(controllers), Some(path)) =
            (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let path = path.trim_start_matches('/');
        let (dir, files): (PathBuf, &[&str]) = match controllers {
            "" => {
                let unified = root.join("unified").join(path);
                let dir = match unified.is_dir() {
                    true => unified,
                    false => root.join(path),
                };
                (dir, &["memory.max", "pids.max", "cpu.max"])
            }
            "memory" => (root.join("memory").join(path), &["memory.limit_in_bytes"]),
            "pids" => (root.join("pids").join(path), &["pids.max"]),
            "cpu" | "cpu,cpuacct" => (root.join(controllers).join(path), &["cpu.cfs_quota_us"]),
            _ => continue,
        };
        for file in files {
            if let Ok(value) = std::fs::read_to_string(dir.join(file)) {
                limits.insert(file.to_string(), value.trim().to_string());
            }
        }
    }
    limits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built() -> Built {
        Built {
            kind: super::super::Kind::Minimal,
            record: super::super::image::ImageRecord {
                kind: "minimal".into(),
                tag: "t".into(),
                digest: "sha256:0".into(),
                compressed_bytes: 0,
                unpacked_bytes: 0,
                layers_bytes: Vec::new(),
            },
            rootfs: "/cache/rootfs".into(),
            entry: "/hello".into(),
            config: json!({"process": {"args": ["sh"], "terminal": true}, "root": {"path": "rootfs"}, "mounts": []}),
        }
    }

    #[test]
    fn the_config_runs_the_twin_with_the_runs_grants() {
        let host = Path::new("/data/in");
        let config = config(
            &built(),
            &["hello.wasm".into(), "x".into()],
            &[("K".into(), "v".into())],
            &[Grant {
                host,
                guest: "/input",
                read_only: true,
            }],
        )
        .unwrap();
        assert_eq!(config["process"]["args"], json!(["/hello", "x"]));
        assert_eq!(config["process"]["env"], json!(["K=v"]));
        assert_eq!(config["process"]["terminal"], json!(false));
        assert_eq!(
            config["root"],
            json!({"path": "/cache/rootfs", "readonly": true})
        );
        assert_eq!(
            config["mounts"][0],
            json!({"destination": "/input", "type": "bind", "source": "/data/in", "options": ["rbind", "ro"]})
        );
    }

    #[test]
    fn a_grant_that_is_not_an_absolute_path_is_refused() {
        let grant = Grant {
            host: Path::new("/x"),
            guest: "/a/../etc",
            read_only: false,
        };
        assert!(matches!(
            config(&built(), &[], &[], &[grant]),
            Err(RunError::Unsupported(_))
        ));
    }
}
