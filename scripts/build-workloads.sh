#!/usr/bin/env bash
# Builds every workload from its source with Debian's toolchains (see
# ../shared/DESIGN.md): clang + wasi-libc for C, Debian's rustc (not rustup's)
# for Rust. The .wasm output is byte-identical from run to run and from
# checkout to checkout, so CI can check the committed files against a rebuild.
# Native twins come from the same sources, compilers and optimisation flags,
# linked with the timing shim (workloads/native/shim.c); cargo builds them
# (adapters/build.rs calls --native), so they are never committed.
#
#   scripts/build-workloads.sh              rebuild into workloads/wasm, workloads/fixtures and
#                                           workloads/conformance/{wasi,sandbox,wasi-p2}
#   scripts/build-workloads.sh --check      rebuild into a temporary folder and fail on any difference
#   scripts/build-workloads.sh --native DIR build the native twins into DIR, with DIR/toolchain.txt
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/workloads"

CC="${CC_WASM:-clang}"
RUSTC="${RUSTC_WASM:-/usr/bin/rustc}"
# What both builds share: the optimisation level, which is what makes a
# Wasm/native ratio compare like with like.
C_OPT=(-O2)
RUST_OPT=(--edition 2021 -C opt-level=3)
WASM_CFLAGS=(--target=wasm32-wasi --sysroot=/usr "${C_OPT[@]}" -Wl,--strip-debug -ffile-prefix-map="$root"=.)
WASM_RUSTFLAGS=(--target wasm32-wasi "${RUST_OPT[@]}" -C strip=debuginfo --remap-path-prefix="$root"=.)

# Workloads built from c/NAME.c and rust/NAME.rs into NAME.wasm and a twin NAME.
C_WORKLOADS=(empty hello sha256 nbody spectralnorm mandelbrot matmul quicksort fib base64 crc32 lz
    wordfreq wasiio edge plugin data)
RUST_WORKLOADS=(fannkuch json)
# Workloads also built as WASI 0.2 components (the catalog's `component`).
COMPONENT_WORKLOADS=(wasiio.wasm edge.wasm)
# Extra wasm flags for some C workloads.
declare -A WASM_EXTRA=(
    # No libc at all: the floor of every phase.
    [empty]="-nostdlib -Wl,--no-entry"
    # A reactor: the host calls its exports after _initialize (see plugin.c).
    [plugin]="-mexec-model=reactor"
)

# clang runs binaryen's wasm-opt after linking whenever it is on PATH, and
# only then: the committed .wasm went through Debian 12's wasm-opt 108.
for tool in "$CC" "$RUSTC" wasm-opt; do
    command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install clang lld wasi-libc libclang-rt-dev-wasm32 rustc libstd-rust-dev-wasm32 binaryen" >&2; exit 1; }
done

build_native() {
    local out="$1"
    mkdir -p "$out"
    "$CC" "${C_OPT[@]}" -c -o "$out/shim.o" native/shim.c
    for name in "${C_WORKLOADS[@]}"; do
        # libm is part of wasi-libc; natively it is its own library.
        "$CC" "${C_OPT[@]}" -o "$out/$name" "c/$name.c" "$out/shim.o" -lm
    done
    # The twin of matmul-simd is matmul's: simd128 has no native meaning, and
    # the host compiler vectorises for the host at the same -O level.
    cp "$out/matmul" "$out/matmul-simd"
    for name in "${RUST_WORKLOADS[@]}"; do
        "$RUSTC" "${RUST_OPT[@]}" -C link-arg="$out/shim.o" -o "$out/$name" "rust/$name.rs"
    done
    # The escape probes as native code (adapters/src/container/escape.rs).
    "$CC" "${C_OPT[@]}" -o "$out/escape" native/escape.c "$out/shim.o"
    # Statically linked copies for the minimal container image
    # (adapters/src/container/), which holds the twin and nothing else.
    mkdir -p "$out/static"
    "$CC" "${C_OPT[@]}" -static -o "$out/static/escape" native/escape.c "$out/shim.o"
    for name in "${C_WORKLOADS[@]}"; do
        "$CC" "${C_OPT[@]}" -static -o "$out/static/$name" "c/$name.c" "$out/shim.o" -lm
    done
    cp "$out/static/matmul" "$out/static/matmul-simd"
    for name in "${RUST_WORKLOADS[@]}"; do
        "$RUSTC" "${RUST_OPT[@]}" -C target-feature=+crt-static -C link-arg="$out/shim.o" \
            -o "$out/static/$name" "rust/$name.rs"
    done
    {
        echo "c_compiler=$("$CC" --version | head -n1)"
        echo "c_flags=${C_OPT[*]}"
        echo "rust_compiler=$("$RUSTC" --version)"
        echo "rust_flags=${RUST_OPT[*]}"
    } >"$out/toolchain.txt"
    echo "built native twins into $out"
}

if [[ "${1:-}" == "--native" ]]; then
    [[ -n "${2:-}" ]] || { echo "usage: $0 --native DIR" >&2; exit 2; }
    build_native "$(mkdir -p "$2" && cd "$2" && pwd)"
    exit 0
fi

out_wasm="wasm"
out_fixtures="fixtures"
out_conformance="conformance"
if [[ "${1:-}" == "--check" ]]; then
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    out_wasm="$tmp/wasm"
    out_fixtures="$tmp/fixtures"
    out_conformance="$tmp/conformance"
fi
# The conformance suites, in wasi-testsuite's layout: every source under
# conformance/src/SUITE is one test, built to conformance/SUITE/NAME.wasm
# beside its NAME.json.
CONFORMANCE_SUITES=(wasi sandbox)
mkdir -p "$out_wasm" "$out_fixtures"
for suite in "${CONFORMANCE_SUITES[@]}"; do mkdir -p "$out_conformance/$suite"; done

for name in "${C_WORKLOADS[@]}"; do
    # shellcheck disable=SC2086 # the extra flags are meant to split
    "$CC" "${WASM_CFLAGS[@]}" ${WASM_EXTRA[$name]:-} -o "$out_wasm/$name.wasm" "c/$name.c"
done
# The same matmul source with wasm SIMD: clang's portable vectors become simd128.
"$CC" "${WASM_CFLAGS[@]}" -msimd128 -o "$out_wasm/matmul-simd.wasm" c/matmul.c
for name in "${RUST_WORKLOADS[@]}"; do
    "$RUSTC" "${WASM_RUSTFLAGS[@]}" -o "$out_wasm/$name.wasm" "rust/$name.rs"
done
# Written as a binary directly, not compiled: clang needs minutes for a module this size.
python3 ../scripts/gen-large-module.py "$out_wasm/large.wasm"
for src in fixtures/*.c; do
    name="$(basename "$src" .c)"
    "$CC" "${WASM_CFLAGS[@]}" -o "$out_fixtures/$name.wasm" "$src"
done
# Same flags as the workloads: a test should see the code a workload would.
shopt -s nullglob # a suite may have no Rust tests
for suite in "${CONFORMANCE_SUITES[@]}"; do
    for src in conformance/src/"$suite"/*.c; do
        "$CC" "${WASM_CFLAGS[@]}" -o "$out_conformance/$suite/$(basename "$src" .c).wasm" "$src"
    done
    for src in conformance/src/"$suite"/*.rs; do
        "$RUSTC" "${WASM_RUSTFLAGS[@]}" -o "$out_conformance/$suite/$(basename "$src" .rs).wasm" "$src"
    done
done
shopt -u nullglob
# The behaviour suite's component twin: each preview-1 test wrapped as a WASI
# 0.2 command component by Wasmtime's preview-1 adapter
# (tools/componentize), run with the same json and fixtures (links to
# wasi/'s), so a matrix shows each behaviour through both interfaces.
mkdir -p "$out_conformance/wasi-p2"
cargo run -q --manifest-path "$root/Cargo.toml" -p wasm-arena-componentize -- \
    "$out_conformance/wasi-p2" "$out_conformance"/wasi/*.wasm
# The WASI 0.3 suite: no compiler here targets 0.3, so each test is a core
# module in the text format written to the canonical ABI of the world in
# src/wasi-p3/world.wit (Wasmtime 48's wasi:cli@0.3.0), made a component of
# that world by the same tool, without an adapter.
mkdir -p "$out_conformance/wasi-p3"
cargo run -q --manifest-path "$root/Cargo.toml" -p wasm-arena-componentize -- \
    --wit conformance/src/wasi-p3/world.wit "$out_conformance/wasi-p3" conformance/src/wasi-p3/*.wat
# The catalog's `component` workloads: the same modules as WASI 0.2
# components, markers and all, as wasm/NAME.p2.wasm.
components="$(mktemp -d)"
cargo run -q --manifest-path "$root/Cargo.toml" -p wasm-arena-componentize -- \
    "$components" "${COMPONENT_WORKLOADS[@]/#/$out_wasm/}"
for name in "${COMPONENT_WORKLOADS[@]}"; do
    mv "$components/$name" "$out_wasm/${name%.wasm}.p2.wasm"
done
rmdir "$components"
if [[ "${1:-}" != "--check" ]]; then
    ln -sfn ../wasi/fixtures conformance/wasi-p2/fixtures
    for spec in conformance/wasi/*.json; do
        [[ "$(basename "$spec")" == manifest.json ]] || ln -sf "../wasi/$(basename "$spec")" conformance/wasi-p2/
    done
fi

if [[ "${1:-}" == "--check" ]]; then
    status=0
    for built in "$out_wasm"/*.wasm "$out_fixtures"/*.wasm "$out_conformance"/*/*.wasm; do
        committed="${built#"$tmp"/}"
        if ! cmp -s "$built" "$committed"; then
            echo "differs from a rebuild: workloads/$committed" >&2
            status=1
        fi
    done
    # A test whose source is gone would otherwise still run from its stale module.
    for committed in conformance/*/*.wasm; do
        if [[ ! -e "$tmp/$committed" ]]; then
            echo "no source builds it: workloads/$committed" >&2
            status=1
        fi
    done
    [[ $status == 0 ]] && echo "every committed .wasm matches a fresh build"
    exit $status
fi
echo "built: $(ls "$out_wasm"/*.wasm "$out_fixtures"/*.wasm "$out_conformance"/*/*.wasm | wc -l) modules"
