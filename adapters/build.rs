//! Exposes the versions of the runtime crates in Cargo.lock as `env!` values,
//! so results record the runtime actually linked in, and builds the workloads'
//! native twins for the `native` runtime.
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

const CRATES: &[(&str, &str)] = &[
    ("wasmtime", "WASMTIME_VERSION"),
    ("wasmer", "WASMER_VERSION"),
    ("wasmi", "WASMI_VERSION"),
    ("wasmedge-sdk", "WASMEDGE_SDK_VERSION"),
];

/// Where already-built twins are, if they are.
const PREBUILT: &str = "WASM_ARENA_NATIVE_TWINS";

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let lock_path = root.join("Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock_path.display());
    let lock = std::fs::read_to_string(&lock_path).unwrap_or_default();
    for (name, var) in CRATES {
        let version = locked_version(&lock, name).unwrap_or_else(|| "unknown".into());
        println!("cargo:rustc-env={var}={version}");
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let version = if std::env::var_os("CARGO_FEATURE_NATIVE").is_some() {
        native_twins(&root, &out)
    } else {
        "not built".into()
    };
    println!("cargo:rustc-env=NATIVE_TOOLCHAIN={version}");
}

/// After a failed twin build: installing the missing compiler (it lands in a
/// directory on PATH, whose modification time changes) reruns this script,
/// so the next `cargo build` has twins without a `cargo clean`.
fn rerun_when_tools_change() {
    println!("cargo:rerun-if-env-changed=PATH");
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path).filter(|d| d.is_dir()) {
            println!("cargo:rerun-if-changed={}", dir.display());
        }
    }
}

fn locked_version(lock: &str, name: &str) -> Option<String> {
    let needle = format!("name = \"{name}\"\nversion = \"");
    let start = lock.find(&needle)? + needle.len();
    let end = lock[start..].find('"')?;
    Some(lock[start..start + end].to_string())
}

/// Builds the twins with the same script that builds the .wasm, and writes
/// `native_twins.rs`: which twin belongs to which .wasm (by sha256), the
/// toolchain, or why there are none. A machine without clang still builds
/// wasm-arena; its `native` cells then say what is missing.
fn native_twins(root: &Path, out: &Path) -> String {
    for input in [
        "scripts/build-workloads.sh",
        "workloads/c",
        "workloads/rust",
        "workloads/native",
        "workloads/wasm",
    ] {
        println!("cargo:rerun-if-changed={}", root.join(input).display());
    }
    // Twins built beforehand with the host's compilers, for a build inside a
    // root that lacks them (scripts/all-runtimes.sh).
    println!("cargo:rerun-if-env-changed={PREBUILT}");
    let prebuilt = std::env::var_os(PREBUILT).map(PathBuf::from);
    let dir = prebuilt.clone().unwrap_or_else(|| out.join("native"));
    let built = match prebuilt {
        Some(_) => None,
        None => Some(
            Command::new("bash")
                .arg(root.join("scripts/build-workloads.sh"))
                .arg("--native")
                .arg(&dir)
                .output(),
        ),
    };
    let error = match &built {
        None if dir.join("toolchain.txt").is_file() => None,
        None => Some(format!("{PREBUILT}={} holds no twins", dir.display())),
        Some(Ok(o)) if o.status.success() => None,
        Some(Ok(o)) => Some(format!(
            "scripts/build-workloads.sh --native failed: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Some(Err(e)) => Some(format!("cannot run bash: {e}")),
    };
    if let Some(error) = &error {
        println!(
            "cargo:warning=no native twins: {}",
            error.lines().next().unwrap_or("")
        );
        if built.is_some() {
            rerun_when_tools_change();
        }
    }
    let toolchain: Vec<(String, String)> = std::fs::read_to_string(dir.join("toolchain.txt"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut twins = Vec::new();
    if error.is_none() {
        let wasm_dir = root.join("workloads/wasm");
        let mut entries: Vec<_> = std::fs::read_dir(&wasm_dir)
            .expect("workloads/wasm is part of the source tree")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        entries.sort();
        for wasm in entries {
            let twin = dir.join(wasm.file_stem().expect("a file name"));
            if wasm.extension().is_some_and(|e| e == "wasm") && twin.is_file() {
                let bytes = std::fs::read(&wasm).expect("readable .wasm");
                twins.push((hex::encode(Sha256::digest(&bytes)), twin));
            }
        }
    }

    let mut code = String::from("// Generated by adapters/build.rs.\n");
    writeln!(code, "pub(super) const TWINS: &[(&str, &str)] = &[").unwrap();
    for (sha, path) in &twins {
        writeln!(code, "    ({sha:?}, {:?}),", path.display().to_string()).unwrap();
    }
    writeln!(code, "];").unwrap();
    writeln!(code, "pub(super) const TOOLCHAIN: &[(&str, &str)] = &[").unwrap();
    for (key, value) in &toolchain {
        writeln!(code, "    ({key:?}, {value:?}),").unwrap();
    }
    writeln!(code, "];").unwrap();
    writeln!(
        code,
        "pub(super) const BUILD_ERROR: Option<&str> = {error:?};"
    )
    .unwrap();
    std::fs::write(out.join("native_twins.rs"), code).expect("OUT_DIR is writable");

    let find = |key: &str| {
        toolchain
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    match (find("c_compiler"), find("rust_compiler")) {
        (Some(c), Some(rust)) => format!("{c}; {rust}"),
        _ => "not built".into(),
    }
}
