#!/usr/bin/env bash
# How far `wasm-arena compare` can be trusted on this machine, measured:
#
#   A/A        two runs of the same build, settings and workloads; every pair
#              called "slower" is a false positive.
#   slowdown   the same kernels doing PERCENT% more rounds (a copy of the
#              catalog with other round counts, passed by --workloads-dir);
#              the rate at which their execute pairs are called "slower" is
#              the detection rate.
#
# Two designs are measured (DESIGNS, default both):
#   separate     each side is its own run, one after the other (what CI does
#                when it compares against main's last results);
#   interleaved  both sides in one run, as twin workloads whose processes the
#                run shuffles together, split into two results directories
#                afterwards (the sensitive design: drift hits both sides alike).
#
# The workloads: every catalog workload but `large` (its 4 s compiles) and the
# real-world programs, at the small size; the 11 whose work is a count of
# rounds run a fixed count of them (about 25-130 ms each on Cranelift here)
# and are the ones slowed down: from their usual count on, the first count
# whose PERCENT% is a whole number of rounds to within 0.05 percentage points
# (20 -> 21 for 5%, 33 -> 34 for 3.03%), on both sides of every comparison;
# each catalog's rounds.txt lists them. Environment knobs, with defaults:
#   WASM_ARENA=target/release/wasm-arena (built if missing)
#   RUNTIMES=wasmtime-cranelift,wasmtime-winch,native   PERCENT=5
#   PROCESSES= ITERATIONS= (unset: a run's default, the time budget per
#   cell; set, fixed repetitions)   WARMUP=1   THRESHOLD= (compare's default)
#   DESIGNS="separate interleaved"   WORK=$(mktemp -d)   SEED=2026
#   KERNELS_ONLY=1: only the 11 kernels (for many runtimes at once: 11 cells
#   per runtime id, the A/A among them)
#   REUSE=1: keep the runs already in WORK and only compare again (another
#   THRESHOLD or confidence on the same measurements)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

bin="${WASM_ARENA:-target/release/wasm-arena}"
if [[ ! -x "$bin" ]]; then
    cargo build --release
fi
runtimes="${RUNTIMES:-wasmtime-cranelift,wasmtime-winch,native}"
percent="${PERCENT:-5}"
designs="${DESIGNS:-separate interleaved}"
work="${WORK:-$(mktemp -d)}"
seed="${SEED:-2026}"
reps=(--size small --warmup "${WARMUP:-1}")
if [[ -n "${PROCESSES:-}${ITERATIONS:-}" ]]; then
    reps+=(--processes "${PROCESSES:-3}" --iterations "${ITERATIONS:-5}")
fi
threshold=()
if [[ -n "${THRESHOLD:-}" ]]; then threshold=(--threshold "$THRESHOLD"); fi
mkdir -p "$work"
echo "work directory: $work"

# catalog NAME SIDE [TWIN]: a copy of workloads/ under $work/catalogs/NAME
# whose kernels run their `base` or `slow` count of rounds (SIDE); with TWIN,
# each workload also gets a twin `<id>-b` whose kernels run TWIN's count.
catalog() {
    local dir="$work/catalogs/$1"
    rm -rf "$dir" && mkdir -p "$dir"
    for entry in workloads/*; do
        [[ "$(basename "$entry")" == catalog.toml ]] || ln -s "$root/$entry" "$dir/"
    done
    python3 - "$root/workloads/catalog.toml" "$dir/catalog.toml" "$2" "${3:-}" "$percent" \
        "${KERNELS_ONLY:-}" <<'PY'
import json, sys, tomllib
source, target, side, twin = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
step = float(sys.argv[5]) / 100
kernels_only = bool(sys.argv[6])
# Workloads whose timed work is a count of rounds: id -> usual count.
ROUNDS = {"sha256": 20, "base64": 20, "crc32": 20, "lz": 20, "data": 20, "edge": 20,
          "wordfreq": 20, "wasiio": 200, "nbody": 400000, "json": 10000, "plugin": 20000}
SKIP = {"large", "python", "cc1"}

def counts(usual):
    """(base, slow) rounds: the smallest count from the usual one on whose
    PERCENT% is a whole number of rounds to within 0.05 percentage points,
    and that many more. 20 rounds cannot grow by 3% (20.6 rounds round to
    21, +5%), 33 can grow by 3.03% (34): the kernel stays about as long as
    usual, where an exact 3% would need 100 rounds, five times as long, and
    five times fewer samples in the same time."""
    base = usual
    while True:
        extra = round(base * step)
        if extra >= 1 and abs(extra / base - step) <= 0.0005:
            return base, base + extra
        base += 1

def value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float, str)):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(value(x) for x in v) + "]"
    return "{ " + ", ".join(f"{json.dumps(k)} = {value(x)}" for k, x in v.items()) + " }"

def scaled(w, side):
    w = json.loads(json.dumps(w))
    if w["id"] in ROUNDS:
        count = counts(ROUNDS[w["id"]])[side == "slow"]
        for size in w["sizes"].values():
            if w["id"] == "plugin":
                size["calls"] = count
            else:
                size["args"][0] = str(count)
            # The expected output names the round count; the exit code is still checked.
            size.pop("stdout", None)
            size.pop("files", None)
    return w

entries = [w for w in tomllib.load(open(source, "rb"))["workload"]
           if w["id"] not in SKIP and (w["id"] in ROUNDS or not kernels_only)]
out = [scaled(w, side) for w in entries]
if twin:
    for w in entries:
        t = scaled(w, twin)
        t["id"] += "-b"
        out.append(t)
with open(target, "w") as f:
    for w in out:
        f.write("[[workload]]\n")
        for k, v in w.items():
            f.write(f"{k} = {value(v)}\n")
        f.write("\n")
with open(target.removesuffix("catalog.toml") + "rounds.txt", "w") as f:
    for id, usual in ROUNDS.items():
        base, slow = counts(usual)
        f.write(f"{id} {base}->{slow} (+{(slow - base) / base:.2%})\n")
PY
}

# split RUN: the interleaved run's `<id>-b` cells become their own results
# directory RUN-b under the original ids; RUN keeps the others.
split() {
    python3 - "$1" <<'PY'
import copy, json, os, sys
run = sys.argv[1]
r = json.load(open(os.path.join(run, "results.json")))
twin = lambda i: i.endswith("-b")
b = copy.deepcopy(r)
for side, keep in ((r, lambda i: not twin(i)), (b, twin)):
    side["workloads"] = [w for w in side["workloads"] if keep(w["id"])]
    side["cells"] = [c for c in side["cells"] if keep(c["workload"])]
    for x in side["workloads"]:
        x["id"] = x["id"].removesuffix("-b")
    for x in side["cells"]:
        x["workload"] = x["workload"].removesuffix("-b")
os.makedirs(run + "-b", exist_ok=True)
for d, side in ((run, r), (run + "-b", b)):
    json.dump(side, open(os.path.join(d, "results.json"), "w"), indent=2)
PY
}

run() {
    local out="$work/$1" dir="$work/catalogs/$2"
    # Only a finished run is reused (a killed one has a results.json too).
    if [[ -n "${REUSE:-}" ]] && grep -qs '"finished_at": "' "$out/results.json"; then return; fi
    echo "run $1 ($(date +%T))"
    rm -rf "$out" "$out-b"
    # A failed cell is reported by compare as not compared; it does not stop this script.
    "$bin" run --runtime "$runtimes" --workloads-dir "$dir" "${reps[@]}" --seed "$seed" \
        --out "$out" >"$out.log" 2>&1 || [[ $? == 1 ]] || { cat "$out.log"; exit 1; }
}

compare() {
    local status=0
    "$bin" compare "$work/$1" "$work/$2" --out "$work/$3" "${threshold[@]}" \
        >"$work/$3.log" 2>&1 || status=$?
    if [[ $status == 2 ]]; then cat "$work/$3.log"; exit 1; fi
}

# rates NAME AA SLOW: what the two comparisons say.
rates() {
    python3 - "$1" "$work/$2/compare.json" "$work/$3/compare.json" "$percent" <<'PY'
import json, sys
from collections import Counter
name, aa, slow = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
percent = sys.argv[4]
SCALED = {"sha256", "base64", "crc32", "lz", "data", "edge", "wordfreq", "wasiio", "nbody", "json", "plugin"}
def judged(c):
    return [p for p in c["pairs"] if p["verdict"] is not None]
pairs = judged(aa)
cells = {(p["runtime"], p["workload"]) for p in pairs}
slower = [p for p in pairs if p["verdict"] == "slower"]
slower_cells = {(p["runtime"], p["workload"]) for p in slower}
print(f"\n== {name} (threshold ±{aa['threshold']:.0%}, {aa['confidence']:.0%} confidence)")
print(f"A/A: {len(cells)} cells, {len(pairs)} pairs; verdicts {dict(Counter(p['verdict'] for p in pairs))}")
print(f"  false positives: {len(slower)}/{len(pairs)} pairs = {len(slower) / max(len(pairs), 1):.1%}; "
      f"{len(slower_cells)}/{len(cells)} cells = {len(slower_cells) / max(len(cells), 1):.1%}")
for p in slower:
    print(f"    {p['runtime']} {p['workload']} {p['phase']}: ratio {p['ratio']:.3f} {p['interval']}")
ratios = sorted(p["ratio"] for p in pairs if p["phase"] == "execute")
if ratios:
    print(f"  execute ratios: min {ratios[0]:.3f}, median {ratios[len(ratios) // 2]:.3f}, max {ratios[-1]:.3f}")
ex = [p for p in judged(slow) if p["phase"] == "execute" and p["workload"] in SCALED]
hit = [p for p in ex if p["verdict"] == "slower"]
print(f"+{percent}% rounds: detected {len(hit)}/{len(ex)} execute pairs = {len(hit) / max(len(ex), 1):.1%}")
for rt in sorted({p["runtime"] for p in ex}):
    mine = [p for p in ex if p["runtime"] == rt]
    print(f"  {rt}: {sum(p['verdict'] == 'slower' for p in mine)}/{len(mine)} slower; ratios "
          + ", ".join(f"{p['workload']} {p['ratio']:.3f}" for p in sorted(mine, key=lambda p: p["workload"])))
other = [p for p in judged(slow) if p["workload"] not in SCALED or p["phase"] != "execute"]
print(f"  unchanged pairs called slower in the same comparison: "
      f"{sum(p['verdict'] == 'slower' for p in other)}/{len(other)}")
PY
}

for design in $designs; do
    case "$design" in
    separate)
        catalog base base
        catalog slow slow
        run a1 base
        run a2 base
        run b slow
        compare a1 a2 separate-aa
        compare a2 b separate-slow
        rates "separate runs" separate-aa separate-slow
        ;;
    interleaved)
        catalog twins-aa base base
        catalog twins-slow base slow
        run aa twins-aa
        run slow twins-slow
        [[ -f "$work/aa-b/results.json" ]] || split "$work/aa"
        [[ -f "$work/slow-b/results.json" ]] || split "$work/slow"
        compare aa aa-b interleaved-aa
        compare slow slow-b interleaved-slow
        rates "interleaved in one run" interleaved-aa interleaved-slow
        ;;
    *)
        echo "unknown design $design" >&2
        exit 2
        ;;
    esac
done
