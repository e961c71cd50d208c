//! The build id: a hash of the sources of every crate wasm-arena's binaries
//! are built from and of Cargo.lock. This script reruns when any of them
//! changes, so every binary that cargo builds after a change has the new id.
use std::path::Path;

use sha2::{Digest, Sha256};

/// Every source directory a binary of this package is built from.
const SOURCES: &[&str] = &[
    "src",
    "workers",
    "hosts",
    "harness/src",
    "adapters/src",
    "adapters/wasmer/src",
    "adapters/wasmedge/src",
];

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let root = root.as_path();
    let mut hash = Sha256::new();
    for dir in SOURCES {
        let dir = root.join(dir);
        println!("cargo:rerun-if-changed={}", dir.display());
        add_tree(&mut hash, &dir);
    }
    for file in ["Cargo.lock", "Cargo.toml", "adapters/build.rs"] {
        let file = root.join(file);
        println!("cargo:rerun-if-changed={}", file.display());
        hash.update(std::fs::read(&file).unwrap_or_default());
    }
    let id = hex::encode(&hash.finalize()[..8]);
    println!("cargo:rustc-env=WASM_ARENA_BUILD={id}");
}

/// Hashes every file under `dir` with its path, in a fixed order.
fn add_tree(hash: &mut Sha256, dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            add_tree(hash, &path);
        } else if let Ok(bytes) = std::fs::read(&path) {
            hash.update(
                path.strip_prefix(dir)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .as_bytes(),
            );
            hash.update(bytes);
        }
    }
}
