//! Real OCI images of a workload's native twin, built with umoci into one
//! OCI image layout (so the Debian base layer is stored once) and unpacked
//! once per image: a cache under the gitignored `target/containers/`
//! (`WASM_ARENA_CONTAINERS` moves it). Every step is a command a user could
//! type; each one that fails is the reason the cell records.
//!
//! - `debian`: a `debootstrap --variant=minbase bookworm` root file system
//!   (apt's caches removed, as image builds do) in one layer, and the twin
//!   as it is built for the host (linked against glibc) in a second.
//! - `minimal`: the statically linked twin and nothing else, one layer.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Kind;
use crate::RunError;

/// Where the images and the roots they are made from are kept.
pub const CACHE_ENV: &str = "WASM_ARENA_CONTAINERS";
/// The Debian mirror debootstrap fetches the base from (default: the first
/// one in the host's apt sources, else deb.debian.org).
pub const MIRROR_ENV: &str = "WASM_ARENA_DEBIAN_MIRROR";
/// The file beside an unpacked image that holds its root's size.
const UNPACKED_BYTES: &str = "unpacked-bytes";
/// The Debian release of the distribution image.
const SUITE: &str = "bookworm";

/// One built image, as the results record it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageRecord {
    /// `debian` or `minimal`.
    pub kind: String,
    /// The tag in the cache's OCI layout.
    pub tag: String,
    /// The manifest's digest (`sha256:...`).
    pub digest: String,
    /// What a registry would store and a node would pull: the manifest, the
    /// config and the compressed layers.
    pub compressed_bytes: u64,
    /// The unpacked root file system: the bytes of its regular files.
    pub unpacked_bytes: u64,
    /// The layers, base first, by their compressed sizes.
    pub layers_bytes: Vec<u64>,
}

/// An image ready to run: its record, its unpacked root and the program in it.
#[derive(Debug, Clone)]
pub struct Built {
    pub kind: Kind,
    pub record: ImageRecord,
    pub rootfs: PathBuf,
    /// The twin's absolute path inside the image.
    pub entry: String,
    /// The runtime configuration umoci generated from the image's config.
    pub config: serde_json::Value,
}

/// The image of `kind` for this twin (`name`, built at `twin`), built now
/// or found in the cache.
pub fn build(kind: Kind, name: &str, twin: &Path) -> Result<Built, RunError> {
    let cache = cache_dir();
    std::fs::create_dir_all(&cache).map_err(|e| {
        RunError::Other(format!(
            "cannot make the image cache {}: {e}",
            cache.display()
        ))
    })?;
    // Workers and the cold-start scenario may build at once; umoci edits
    // the layout's index in place.
    let _lock = lock(&cache.join("lock"))?;
    let layout = cache.join("oci");
    if !layout.join("index.json").is_file() {
        umoci(&["init", "--layout"], &[layout.as_os_str()])?;
    }
    let base = match kind {
        Kind::Debian => debian_base(&cache, &layout)?,
        Kind::Minimal => {
            let tag = "base-empty";
            if digest_of(&layout, tag)?.is_none() {
                umoci(&["new", "--image"], &[image(&layout, tag).as_os_str()])?;
            }
            tag
        }
    };
    let bytes = std::fs::read(twin)
        .map_err(|e| RunError::Other(format!("cannot read {}: {e}", twin.display())))?;
    let sha = hex::encode(Sha256::digest(&bytes));
    let tag = format!("{}-{name}-{}", kind.name(), &sha[..12]);
    let entry = match kind {
        Kind::Debian => format!("/usr/local/bin/{name}"),
        Kind::Minimal => format!("/{name}"),
    };
    if digest_of(&layout, &tag)?.is_none() {
        let target = image(&layout, &tag);
        umoci(
            &["insert", "--image"],
            &[
                image(&layout, base).as_os_str(),
                "--tag".as_ref(),
                tag.as_ref(),
                twin.as_os_str(),
                entry.as_ref(),
            ],
        )?;
        umoci(
            &["config", "--config.entrypoint", &entry, "--image"],
            &[target.as_os_str()],
        )?;
    }
    let digest = digest_of(&layout, &tag)?.ok_or_else(|| {
        RunError::Other(format!("umoci made no tag {tag} in {}", layout.display()))
    })?;

    let bundle = cache.join("bundles").join(&tag);
    // Counted once, as it is unpacked: every run of the image asks.
    let counted = bundle.join(UNPACKED_BYTES);
    if !counted.is_file() {
        let partial = cache.join("bundles").join(format!(".{tag}.partial"));
        remove_dir(&partial)?;
        umoci(
            &["unpack", "--image"],
            &[image(&layout, &tag).as_os_str(), partial.as_os_str()],
        )?;
        let bytes = tree_bytes(&partial.join("rootfs"));
        std::fs::write(partial.join(UNPACKED_BYTES), bytes.to_string())
            .map_err(|e| RunError::Other(format!("cannot write in {}: {e}", partial.display())))?;
        remove_dir(&bundle)?;
        rename(&partial, &bundle)?;
    }
    let unpacked_bytes = std::fs::read_to_string(&counted)
        .ok()
        .and_then(|text| text.trim().parse().ok())
        .ok_or_else(|| RunError::Other(format!("{} is unreadable", counted.display())))?;
    let config_path = bundle.join("config.json");
    let config = std::fs::read(&config_path)
        .ok()
        .and_then(|text| serde_json::from_slice(&text).ok())
        .ok_or_else(|| {
            RunError::Other(format!("umoci wrote no readable {}", config_path.display()))
        })?;
    let rootfs = bundle.join("rootfs");
    let (compressed_bytes, layers_bytes) = sizes(&layout, &digest)?;
    Ok(Built {
        kind,
        record: ImageRecord {
            kind: kind.name().into(),
            tag,
            digest,
            compressed_bytes,
            unpacked_bytes,
            layers_bytes,
        },
        rootfs,
        entry,
        config,
    })
}

fn cache_dir() -> PathBuf {
    std::env::var_os(CACHE_ENV).map_or_else(
        || {
            let adapters = Path::new(env!("CARGO_MANIFEST_DIR"));
            adapters
                .parent()
                .unwrap_or(adapters)
                .join("target/containers")
        },
        PathBuf::from,
    )
}

fn image(layout: &Path, tag: &str) -> std::ffi::OsString {
    let mut name = layout.as_os_str().to_owned();
    name.push(format!(":{tag}"));
    name
}

/// The Debian base image's tag, made from a debootstrap root the first time.
fn debian_base(cache: &Path, layout: &Path) -> Result<&'static str, RunError> {
    const TAG: &str = "base-debian-bookworm-minbase";
    if digest_of(layout, TAG)?.is_some() {
        return Ok(TAG);
    }
    let root = cache.join(format!("debian-{SUITE}-minbase"));
    if !root.join("usr/bin/sh").exists() {
        let partial = cache.join(format!(".debian-{SUITE}-minbase.partial"));
        remove_dir(&partial)?;
        let mirror = std::env::var(MIRROR_ENV).unwrap_or_else(|_| host_mirror());
        let mut debootstrap = Command::new("debootstrap");
        debootstrap
            .args(["--variant=minbase", SUITE])
            .arg(&partial)
            .arg(&mirror);
        run(debootstrap, "debootstrap (apt-get install debootstrap)")?;
        // What an image build removes: apt's downloaded packages and lists.
        for dir in ["var/cache/apt/archives", "var/lib/apt/lists"] {
            let dir = partial.join(dir);
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_file() {
                    let _ = std::fs::remove_file(path);
                }
            }
        }
        rename(&partial, &root)?;
    }
    let layer = cache.join("base-layer.tar");
    let mut tar = Command::new("tar");
    tar.arg("--numeric-owner")
        .arg("-C")
        .arg(&root)
        .arg("-cf")
        .arg(&layer)
        .arg(".");
    run(tar, "tar")?;
    umoci(&["new", "--image"], &[image(layout, TAG).as_os_str()])?;
    let added = umoci(
        &["raw", "add-layer", "--image"],
        &[image(layout, TAG).as_os_str(), layer.as_os_str()],
    );
    let _ = std::fs::remove_file(&layer);
    added?;
    Ok(TAG)
}

/// The first Debian mirror in the host's apt sources.
fn host_mirror() -> String {
    let mut sources = String::new();
    for file in ["/etc/apt/sources.list"]
        .into_iter()
        .map(PathBuf::from)
        .chain(
            std::fs::read_dir("/etc/apt/sources.list.d")
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path()),
        )
    {
        sources.push_str(&std::fs::read_to_string(file).unwrap_or_default());
        sources.push('\n');
    }
    sources
        .split_whitespace()
        .map(|word| word.trim_start_matches("URIs:"))
        .find(|word| {
            (word.starts_with("http://") || word.starts_with("https://"))
                && word.trim_end_matches('/').ends_with("/debian")
        })
        .unwrap_or("http://deb.debian.org/debian")
        .to_string()
}

/// The manifest digest a tag names in the layout's index, if it is there.
fn digest_of(layout: &Path, tag: &str) -> Result<Option<String>, RunError> {
    let index: Index = read_json(&layout.join("index.json"))?;
    Ok(index
        .manifests
        .unwrap_or_default()
        .into_iter()
        .find(|m| {
            m.annotations
                .get("org.opencontainers.image.ref.name")
                .is_some_and(|name| name == tag)
        })
        .map(|m| m.digest))
}

/// The manifest, config and layers' sizes, and the layers' one by one.
fn sizes(layout: &Path, digest: &str) -> Result<(u64, Vec<u64>), RunError> {
    let manifest_path = blob(layout, digest);
    let manifest: Manifest = read_json(&manifest_path)?;
    let manifest_bytes = std::fs::metadata(&manifest_path).map_or(0, |m| m.len());
    let layers: Vec<u64> = manifest.layers.iter().map(|l| l.size).collect();
    Ok((
        manifest_bytes + manifest.config.size + layers.iter().sum::<u64>(),
        layers,
    ))
}

fn blob(layout: &Path, digest: &str) -> PathBuf {
    let (algorithm, hex) = digest.split_once(':').unwrap_or(("sha256", digest));
    layout.join("blobs").join(algorithm).join(hex)
}

#[derive(Deserialize)]
struct Index {
    /// `null` in a layout with no image yet.
    manifests: Option<Vec<Descriptor>>,
}

#[derive(Deserialize)]
struct Manifest {
    config: Descriptor,
    #[serde(default)]
    layers: Vec<Descriptor>,
}

#[derive(Deserialize)]
struct Descriptor {
    #[serde(default)]
    digest: String,
    #[serde(default)]
    size: u64,
    #[serde(default)]
    annotations: std::collections::BTreeMap<String, String>,
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, RunError> {
    let text = std::fs::read(path)
        .map_err(|e| RunError::Other(format!("cannot read {}: {e}", path.display())))?;
    serde_json::from_slice(&text)
        .map_err(|e| RunError::Other(format!("{} is not what umoci writes: {e}", path.display())))
}

/// The bytes of the regular files under `dir`, each hard-linked file once.
fn tree_bytes(dir: &Path) -> u64 {
    let mut seen = std::collections::HashSet::new();
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let Ok(meta) = entry.path().symlink_metadata() else {
                continue;
            };
            if meta.is_dir() {
                stack.push(entry.path());
            } else if meta.is_file() && seen.insert((meta.dev(), meta.ino())) {
                total += meta.len();
            }
        }
    }
    total
}

fn umoci(leading: &[&str], rest: &[&std::ffi::OsStr]) -> Result<(), RunError> {
    let mut command = Command::new("umoci");
    command.args(leading).args(rest);
    run(command, "umoci (apt-get install umoci)")
}

/// Runs a build step; its failure, with what it printed, is the error.
fn run(mut command: Command, tool: &str) -> Result<(), RunError> {
    let line = format!(
        "{} {}",
        command.get_program().to_string_lossy(),
        command
            .get_args()
            .map(|a| a.to_string_lossy())
            .collect::<Vec<_>>()
            .join(" ")
    );
    let output = command
        .output()
        .map_err(|e| RunError::Unsupported(format!("cannot run {tool}: {e}")))?;
    if output.status.success() {
        return Ok(());
    }
    // debootstrap says why on stdout, umoci and tar on stderr.
    let said = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let last: Vec<&str> = said
        .lines()
        .filter(|l| !l.trim().is_empty())
        .rev()
        .take(3)
        .collect();
    Err(RunError::Other(format!(
        "building the image failed: `{line}` exited with {}: {}",
        output.status,
        last.into_iter().rev().collect::<Vec<_>>().join(" / ")
    )))
}

fn rename(from: &Path, to: &Path) -> Result<(), RunError> {
    if let Some(parent) = to.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    std::fs::rename(from, to).map_err(|e| {
        RunError::Other(format!(
            "cannot move {} to {}: {e}",
            from.display(),
            to.display()
        ))
    })
}

fn remove_dir(dir: &Path) -> Result<(), RunError> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(RunError::Other(format!(
            "cannot remove {}: {e}",
            dir.display()
        ))),
        _ => Ok(()),
    }
}

/// The file at `path`, exclusively `flock`ed: the lock holds until the file
/// is dropped (closed).
fn lock(path: &Path) -> Result<std::fs::File, RunError> {
    use std::os::fd::AsRawFd;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| RunError::Other(format!("cannot open {}: {e}", path.display())))?;
    // SAFETY: flock on a descriptor this function owns.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } != 0 {
        let e = std::io::Error::last_os_error();
        return Err(RunError::Other(format!(
            "cannot lock {}: {e}",
            path.display()
        )));
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tree_counts_regular_files_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a"), [0; 100]).unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/b"), [0; 20]).unwrap();
        std::fs::hard_link(dir.path().join("a"), dir.path().join("sub/a-again")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", dir.path().join("link")).unwrap();
        assert_eq!(tree_bytes(dir.path()), 120);
    }
}
