#!/usr/bin/env bash
# Installs what the v8 adapter runs WASI components with (jco's transpiler
# and its WASI shims for Node, pinned in adapters/src/v8/jco/) into
# target/jco, or DIR; the adapter looks there, or where WASM_ARENA_JCO says.
# Needs npm. Without it, v8 skips components and says so.
#
#   scripts/install-jco.sh [DIR]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-$repo/target/jco}"
mkdir -p "$dir"
cp "$repo/adapters/src/v8/jco/package.json" "$repo/adapters/src/v8/jco/package-lock.json" "$dir/"
cd "$dir"
npm ci --no-audit --no-fund --loglevel=error
echo "jco installed in $dir"
