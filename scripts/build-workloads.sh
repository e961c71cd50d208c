#!/usr/bin/env bash
# Rebuilds every committed .wasm under workloads/ from its source with Debian's
# toolchains (see ../shared/DESIGN.md): clang + wasi-libc for C, Debian's rustc
# (not rustup's) for Rust. The output is byte-identical from run to run and from
# checkout to checkout, so CI can check the committed files against a rebuild.
#
#   scripts/build-workloads.sh            rebuild into workloads/wasm and workloads/fixtures
#   scripts/build-workloads.sh --check    rebuild into a temporary folder and fail on any difference
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/workloads"

CC="${CC_WASM:-clang}"
RUSTC="${RUSTC_WASM:-/usr/bin/rustc}"
CFLAGS=(--target=wasm32-wasi --sysroot=/usr -O2 -Wl,--strip-debug -ffile-prefix-map="$root"=.)
RUSTFLAGS=(--target wasm32-wasi --edition 2021 -C opt-level=3 -C strip=debuginfo --remap-path-prefix="$root"=.)

out_wasm="wasm"
out_fixtures="fixtures"
if [[ "${1:-}" == "--check" ]]; then
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    out_wasm="$tmp/wasm"
    out_fixtures="$tmp/fixtures"
fi
mkdir -p "$out_wasm" "$out_fixtures"

for tool in "$CC" "$RUSTC"; do
    command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install clang lld wasi-libc libclang-rt-dev-wasm32 rustc libstd-rust-dev-wasm32" >&2; exit 1; }
done

for name in sha256 wordfreq nbody spectralnorm mandelbrot matmul quicksort fib base64 crc32 lz; do
    "$CC" "${CFLAGS[@]}" -o "$out_wasm/$name.wasm" "c/$name.c"
done
# The same matmul source with wasm SIMD: clang's portable vectors become simd128.
"$CC" "${CFLAGS[@]}" -msimd128 -o "$out_wasm/matmul-simd.wasm" c/matmul.c
"$CC" "${CFLAGS[@]}" -nostdlib -Wl,--no-entry -o "$out_wasm/empty.wasm" c/empty.c
for name in fannkuch json; do
    "$RUSTC" "${RUSTFLAGS[@]}" -o "$out_wasm/$name.wasm" "rust/$name.rs"
done
for src in fixtures/*.c; do
    name="$(basename "$src" .c)"
    "$CC" "${CFLAGS[@]}" -o "$out_fixtures/$name.wasm" "$src"
done

if [[ "${1:-}" == "--check" ]]; then
    status=0
    for built in "$out_wasm"/*.wasm "$out_fixtures"/*.wasm; do
        committed="${built#"$tmp"/}"
        if ! cmp -s "$built" "$committed"; then
            echo "differs from a rebuild: workloads/$committed" >&2
            status=1
        fi
    done
    [[ $status == 0 ]] && echo "every committed .wasm matches a fresh build"
    exit $status
fi
echo "built: $(ls "$out_wasm"/*.wasm "$out_fixtures"/*.wasm | wc -l) modules"
