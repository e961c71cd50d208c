#!/usr/bin/env bash
# Runs COMMAND where every runtime builds and runs, so that
#
#   scripts/all-runtimes.sh cargo test --workspace --features all-runtimes
#   scripts/all-runtimes.sh cargo bench --features all-runtimes
#   scripts/all-runtimes.sh cargo run --release --features all-runtimes -- run
#
# work on any Debian-like machine. WasmEdge needs libwasmedge 0.14 (glibc
# 2.38+) and Wasmer's LLVM backend needs LLVM 22:
# - where both are installed (Debian 13: apt-get install libwasmedge-dev
#   llvm-22-dev libpolly-22-dev libzstd-dev nodejs), COMMAND runs here;
# - otherwise (Debian 12) it runs inside the Debian 13 root that
#   scripts/debian13-root.sh creates on first use (about 2 minutes), with this
#   repository, the Rust toolchain and /tmp mounted at their own paths. Its
#   builds go to target/debian13/, apart from the host's. The native twins
#   are built here first, with the host's compilers: the same clang and rustc
#   that built the committed .wasm, which the root does not have.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
if [[ $# -eq 0 ]]; then
    sed -n '2,17s/^# \{0,1\}//p' "$0" >&2
    exit 2
fi

llvm=/usr/lib/llvm-22
export WASMEDGE_INCLUDE_DIR=/usr/include WASMEDGE_LIB_DIR=/usr/lib/x86_64-linux-gnu
export LLVM_SYS_221_PREFIX="$llvm"
if [[ -f /usr/include/wasmedge/wasmedge.h && -x "$llvm/bin/llvm-config" ]]; then
    exec "$@"
fi

[[ $EUID -eq 0 ]] || { echo "all-runtimes.sh: the Debian 13 root needs root (chroot, mounts)" >&2; exit 2; }
root="${WASM_ARENA_ROOT:-$repo/.root/debian13}"
"$repo/scripts/debian13-root.sh" "$root"

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target/debian13}"
twins="$CARGO_TARGET_DIR/native-twins"
if "$repo/scripts/build-workloads.sh" --native "$twins" >&2; then
    export WASM_ARENA_NATIVE_TWINS="$twins"
else
    echo "all-runtimes.sh: no native twins (the host lacks the workloads' compilers)" >&2
fi

cargo_home="${CARGO_HOME:-$HOME/.cargo}"
rustup_home="${RUSTUP_HOME:-$HOME/.rustup}"
export CARGO_HOME="$cargo_home" RUSTUP_HOME="$rustup_home"
export PATH="$cargo_home/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
export REPO="$repo"
exec unshare --mount --propagation private bash -c '
    set -e
    root=$1; shift
    # The root a mount point of its own: runc makes "/" a slave mount and
    # pivots out of it, which a plain directory cannot be.
    mount --bind "$root" "$root"
    for dir in "$REPO" "$CARGO_HOME" "$RUSTUP_HOME" /tmp; do
        mkdir -p "$root$dir"
        mount --bind "$dir" "$root$dir"
    done
    # The host'"'"'s CA bundle: the root'"'"'s own ca-certificates rebuilt it without
    # the certificates of the proxy that package registries are reached through.
    mount --bind /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    mount --rbind /sys "$root/sys"
    exec chroot "$root" bash -c "cd \"\$0\" && exec \"\$@\"" "$PWD" "$@"
' _ "$root" "$@"
