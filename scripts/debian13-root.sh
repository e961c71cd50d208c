#!/usr/bin/env bash
# Creates (once) the Debian 13 root that builds and runs the runtimes Debian 12
# cannot: libwasmedge 0.14.1 needs glibc 2.38+. The same root carries LLVM 22
# for Wasmer's LLVM backend, Node.js, runc, umoci and debootstrap for the
# container ids, and headless Chromium for the HTML report's browser test, so
# one build there has every runtime and the tests have everything they use.
#
#   scripts/debian13-root.sh [DIR]     # default: $WASM_ARENA_ROOT or .root/debian13
#
# Needs root and debootstrap; fetches only from the Debian mirror the host's apt
# sources already use. A stamp file names the package set, so changing the set
# below re-runs apt in the existing root instead of starting over.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-${WASM_ARENA_ROOT:-$repo/.root/debian13}}"

packages=(
    ca-certificates gcc g++ libc6-dev make pkg-config python3
    libwasmedge-dev wasmedge libclang-dev
    llvm-22-dev libpolly-22-dev libzstd-dev zlib1g-dev libffi-dev libxml2-dev
    nodejs
    runc umoci debootstrap
    chromium
)
stamp="$dir/.wasm-arena-packages"
if [[ -f "$stamp" && "$(cat "$stamp")" == "${packages[*]}" ]]; then
    exit 0
fi

mirror="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null \
    | grep -oE 'https?://[^ ]+/debian/?$' | head -n1 || true)"
mirror="${mirror:-http://deb.debian.org/debian}"

if [[ ! -x "$dir/usr/bin/apt-get" ]]; then
    command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap >/dev/null
    echo "debian13-root: debootstrap trixie into $dir from $mirror" >&2
    mkdir -p "$dir"
    debootstrap --variant=minbase trixie "$dir" "$mirror" >&2
fi
cp /etc/resolv.conf "$dir/etc/resolv.conf"
mkdir -p "$dir/etc/ssl/certs"
cp /etc/ssl/certs/ca-certificates.crt "$dir/etc/ssl/certs/ca-certificates.crt"
echo "debian13-root: apt-get install ${packages[*]}" >&2
unshare --mount --propagation private bash -c '
    set -e
    mount -t proc proc "$1/proc"
    mount --bind /dev "$1/dev"
    shift_dir="$1"; shift
    chroot "$shift_dir" env DEBIAN_FRONTEND=noninteractive bash -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends $*" >&2
' _ "$dir" "${packages[@]}"
echo "${packages[*]}" >"$stamp"
