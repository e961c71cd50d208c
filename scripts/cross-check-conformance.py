#!/usr/bin/env python3
"""Cross-checks the conformance matrix against each runtime family's own
command-line tool (issue 19): every test of the `wasi` and `sandbox` suites
is run with the CLI the way the harness runs it (a fresh copy of each granted
directory, argv[0] `NAME.wasm`, the same arguments, the whole environment,
the stdin bytes on a pipe that is then closed, or, for a test without
`stdin`, a pipe held open and never written to, the 256 MiB memory cap and the
10 s time limit where the CLI can be told them), judged by the harness's
rules (harness/src/conformance/verdict.rs: exit code, exact stdout and
stderr, a trap, the runtime's own time budget), and compared, pass or fail,
with the matrix's verdict for each runtime id of the family. A skip is not
compared; expected-fail counts as fail and unexpected-pass as pass.

    scripts/cross-check-conformance.py MATRIX.json [--family wasmedge|wasmer ...]
        [--suites DIR] [--root DEBIAN13_ROOT] [--wasmer PATH] [--only TEST ...]
        [--stdin pipe|file] [--json OUT.json] [--workdir DIR] [--keep] [-v]

Families and their CLIs:
- wasmedge: `wasmedge` 0.14 (on PATH, else in the Debian 13 root that
  scripts/debian13-root.sh makes, entered with a private mount namespace and
  chroot as scripts/all-runtimes.sh does; needs root). wasmedge-interp is
  `wasmedge --force-interpreter`, wasmedge-aot `wasmedge compile --optimize 3
  --interruptible` to NAME.so, then `wasmedge NAME.so` (argv[0] is still
  NAME.wasm); both with `--memory-page-limit` and `--time-limit`.
- wasmer: `wasmer run --cranelift|--singlepass|--llvm NAME.wasm -- ARGS`
  (`--wasmer PATH`, else `wasmer` on PATH; an id whose compiler the binary
  lacks is not compared), grants as `--volume HOST:GUEST`. It has no memory
  cap and no time budget: the script kills it at the time limit.

Prints a Markdown report (agreements per runtime id, then every disagreement
with what the adapter and the CLI did and why, where known) on stdout.
Standard library only.
"""

import argparse
import fnmatch
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SUITES = ("wasi", "sandbox")
FAMILIES = {
    "wasmedge": ("wasmedge-interp", "wasmedge-aot"),
    "wasmer": ("wasmer-cranelift", "wasmer-singlepass", "wasmer-llvm"),
}
PAGE = 64 << 10
# How long past the time limit a CLI with a time limit of its own gets before
# it is killed (it exits on its own when the limit works).
GRACE_S = 10.0

# Why an adapter and its CLI disagree, for the disagreements looked into:
# (runtime id glob, "suite/test" glob, a check of (matrix record, CLI
# observation) or None, reason). Anything else is "not explained yet".
WASMER_OVERLAY = (
    "`wasmer run --volume DIR:/` lays the grant over Wasmer's own in-memory root "
    "(wasmer-wasix 0.704.2 src/runners/wasi_common.rs, prepare_filesystem: an "
    "OverlayFileSystem over /.app, /.private, /bin, /dev, /etc, /tmp); the adapter's "
    "volumes::mount (adapters/src/wasmer/volumes.rs) puts the grant in place of that root"
)
OLD_WASMER_GRANTS = (
    "the matrix predates e4a86d7: the adapter then gave wasmer-wasix the whole host file "
    "system (host_fs at /) and preopened each grant by its host path under its guest name "
    "(symlinks resolved against host paths: ENOTCAPABLE; the root named ''); with the "
    "grants set up as `wasmer run --volume` does, the adapter passes as the CLI does"
)
EXPLAINED = [
    (
        "wasmedge-*", "wasi/poll_fd", None,
        "the adapter's stdout is a regular temp file (adapters/src/wasmedge/stdio.rs, "
        "Redirect::begin) and WasmEdge's poll_oneoff watches fds with epoll, which refuses "
        "regular files: EPERM event error. The CLI's stdout is a pipe here and it passes; "
        "`wasmedge poll_fd.wasm > file` fails the same way (and a file as stdin fails "
        "fd_read readiness: EPERM)",
    ),
    ("wasmer-*", "wasi/dir_std", None, WASMER_OVERLAY + ": listing / shows Wasmer's six "
     "directories besides the granted files under the CLI"),
    ("wasmer-*", "sandbox/escape_rename", None, WASMER_OVERLAY + ": under the CLI /tmp exists "
     "(in memory), so renaming to /tmp/wasm-arena-escape-probe succeeds inside the guest's "
     "root (no host escape); the adapter's root has no /tmp and the rename fails"),
    ("wasmer-*", "sandbox/escape_symlink", lambda rec, cli: rec["verdict"] == "pass",
     WASMER_OVERLAY + ": under the CLI the link abs -> /etc lands in Wasmer's in-memory /etc, "
     "inside the guest's root (no host escape); the adapter's root has no /etc"),
    ("wasmer-*", "wasi/filestat_std", None,
     "a race in wasmer-wasix: host files are tokio::fs::File (virtual-fs host_fs), whose "
     "write returns before a blocking-pool task writes the bytes, so a path stat right after "
     "can see length 0. The CLI (tokio with a worker per core, the guest on its own thread) "
     "passed 16 runs of 16; the adapter (tokio worker_threads(1), adapters/src/wasmer/"
     "engine.rs) lost it in both matrices (flaky in its expectations)"),
    ("wasmer-*", "wasi/symlink_*", lambda rec, cli: rec["verdict"] != "pass", OLD_WASMER_GRANTS),
    ("wasmer-*", "wasi/dir_create_remove", lambda rec, cli: rec["verdict"] != "pass", OLD_WASMER_GRANTS),
    ("wasmer-*", "wasi/fdstat_prestat", lambda rec, cli: rec["verdict"] != "pass", OLD_WASMER_GRANTS),
    ("wasmer-*", "sandbox/limit_memory*", None,
     "`wasmer run` has no memory cap (no option for one): the 256 MiB cap the harness gives "
     "the adapter (its tunables) cannot be given to the CLI"),
    ("wasmer-*", "sandbox/limit_loop", None,
     "`wasmer run` has no time budget: the script kills it at the limit, where the adapter's "
     "interrupt stops the guest itself"),
]


# ---------------------------------------------------------------- the suites


class Test:
    def __init__(self, suite, suite_dir, name, spec, exact):
        self.suite = suite
        self.dir = suite_dir
        self.name = name
        self.module = suite_dir / f"{name}.wasm"
        self.args = spec.get("args", [])
        self.env = spec.get("env", {})
        self.root = spec.get("root")
        self.dirs = spec.get("dirs", [])
        self.exit_code = spec.get("exit_code", 0)
        self.stdout = spec.get("stdout")
        self.stderr = spec.get("stderr")
        # None: no `stdin`, so the official runner's pipe, open and unwritten.
        self.stdin = spec["stdin"].encode() if "stdin" in spec else None
        self.outcome = spec.get("outcome", "exit")
        self.read_only = spec.get("read_only", False)
        self.requires = spec.get("requires", [])
        self.exact = exact

    @property
    def id(self):
        return f"{self.suite}/{self.name}"

    def grants(self):
        """(host directory, guest name), as TestSpec::grants."""
        if self.root is not None:
            return [(self.dir / self.root, "/")]
        return [(self.dir / d, d) for d in self.dirs]


def load_suite(suite_dir):
    manifest = json.loads((suite_dir / "manifest.json").read_text())
    tests = []
    for module in sorted(suite_dir.glob("*.wasm")):
        json_path = module.with_suffix(".json")
        spec = json.loads(json_path.read_text()) if json_path.exists() else {}
        tests.append(
            Test(manifest["name"], suite_dir, module.stem, spec, manifest.get("exact_output", False))
        )
    return tests


def copy_tree(src, dst):
    """As the runner's copy_tree: symlinks stay symlinks, `*.cleanup` skipped."""
    dst.mkdir(parents=True, exist_ok=True)
    for entry in os.scandir(src):
        if entry.name.endswith(".cleanup"):
            continue
        target = dst / entry.name
        if entry.is_symlink():
            os.symlink(os.readlink(entry.path), target)
        elif entry.is_dir():
            copy_tree(Path(entry.path), target)
        else:
            shutil.copy(entry.path, target)


# ------------------------------------------------------------- observations


class Observed:
    """How a CLI run ended: kind is exited, trap, timeout (the runtime's own
    budget), refused (load, validation, instantiation, a CLI error), crashed
    (a signal) or killed (the script's kill at the limit)."""

    def __init__(self, kind, code=None, stdout=b"", stderr=b"", message="", seconds=0.0):
        self.kind = kind
        self.code = code
        self.stdout = stdout
        self.stderr = stderr
        self.message = message
        self.seconds = seconds

    def describe(self):
        return {
            "exited": f"exited with code {self.code}",
            "trap": f"trap: {self.message}",
            "timeout": f"its time limit stopped it ({self.message})",
            "refused": f"refused: {self.message}",
            "crashed": f"crashed ({self.message})",
            "killed": f"still running after {self.seconds:.0f} s: killed by the script",
        }[self.kind]


def tail(data, n=200):
    text = data.decode("utf-8", "replace").strip()
    return text if len(text) <= n else "…" + text[-n:]


def compare(what, want, got, exact):
    want = want.encode()
    if not exact and len(got) > len(want):
        got = got[: len(want)]
    if got == want:
        return None
    at = next((i for i, (a, b) in enumerate(zip(want, got)) if a != b), min(len(want), len(got)))
    return (
        f"{what} differs at byte {at} (expected {len(want)} bytes, got {len(got)}): "
        f"got {got[at:at + 40].decode('utf-8', 'replace')!r}"
    )


def check(test, o):
    """None when the run passes, else what differed (verdict.rs's check)."""
    if test.outcome == "exit" and o.kind == "exited":
        diffs = []
        if o.code != test.exit_code:
            d = f"exit code {o.code}, expected {test.exit_code}"
            if tail(o.stderr):
                d += f" (stderr: {tail(o.stderr)})"
            diffs.append(d)
        for what, want, got in (("stdout", test.stdout, o.stdout), ("stderr", test.stderr, o.stderr)):
            if want is not None:
                d = compare(what, want, got, test.exact)
                if d:
                    diffs.append(d)
        return "; ".join(diffs) or None
    if test.outcome == "trap" and o.kind == "trap":
        return None
    if test.outcome == "timeout" and o.kind == "timeout":
        return None
    wanted = {
        "exit": f"expected exit code {test.exit_code}",
        "trap": "expected a trap",
        "timeout": "expected the time budget to stop it",
    }[test.outcome]
    d = f"{o.describe()}, {wanted}"
    if o.kind == "exited" and tail(o.stderr):
        d += f" (stderr: {tail(o.stderr)})"
    return d


def run_process(argv, cwd, stdin, stdin_mode, kill_after, env):
    """Runs argv in cwd, stdin given as a pipe (written, then closed) or a
    file, or (stdin None) a pipe whose writing end stays open, unwritten,
    until the process ends; kills its process group after kill_after
    seconds."""
    began = time.monotonic()
    stdin_file = None
    held = None
    if stdin is None:
        reader, held = os.pipe()
        stdin_file = os.fdopen(reader, "rb")
    elif stdin_mode == "file":
        stdin_file = open(cwd / ".stdin", "w+b")
        stdin_file.write(stdin)
        stdin_file.seek(0)
    proc = subprocess.Popen(
        argv,
        cwd=cwd,
        env=env,
        stdin=stdin_file if stdin_file else subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    if stdin_file:
        # The child has its copy; a reader left here would keep the pipe
        # from ever failing a write, and is not needed.
        stdin_file.close()
    killed = False
    try:
        out, err = proc.communicate(None if stdin_file else stdin, timeout=kill_after)
    except subprocess.TimeoutExpired:
        killed = True
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
    finally:
        if held is not None:
            os.close(held)
    seconds = time.monotonic() - began
    return proc.returncode, out, err, killed, seconds


def signal_name(rc):
    try:
        return signal.Signals(-rc).name
    except ValueError:
        return f"signal {-rc}"


# ------------------------------------------------------------------ WasmEdge

# `[YYYY-MM-DD HH:MM:SS.mmm] [level] message`: WasmEdge's log (spdlog), on
# stdout, taken out of the guest's output as the adapter's split_log does.
WASMEDGE_LOG = re.compile(rb"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] \[(\w+)\] ([^\n]*)\n?")


class WasmEdge:
    family = "wasmedge"
    how = (
        "`wasmedge [--force-interpreter] --memory-page-limit 4096 --time-limit 10000 "
        "--dir GUEST:HOST[:readonly] --env K=V NAME.wasm|NAME.so ARGS` (NAME.so from `wasmedge "
        "compile --optimize 3 --interruptible`: --time-limit stops only interruptible AOT code), "
        "cwd the scratch dir, stdin a pipe (held open and never written for a test without `stdin`, as the harness does); WasmEdge's log lines taken out of stdout and stderr"
    )

    def __init__(self, args):
        self.prefix = None
        if shutil.which("wasmedge"):
            self.prefix = ["wasmedge"]
        else:
            root = Path(args.root)
            if (root / "usr/bin/wasmedge").exists():
                if os.geteuid() != 0:
                    sys.exit("the wasmedge CLI is in the Debian 13 root, which needs root (chroot, mounts)")
                # A private mount namespace per run: /tmp, /proc and /dev of
                # the host in the root, cwd kept; nothing stays mounted after.
                self.prefix = [
                    "unshare", "--mount", "--propagation", "private", "sh", "-c",
                    'root=$1; shift; mount --bind /tmp "$root/tmp" && '
                    'mount -t proc proc "$root/proc" && mount --rbind /dev "$root/dev" && '
                    'exec chroot "$root" sh -c \'cd "$0" && exec wasmedge "$@"\' "$PWD" "$@"',
                    "_", str(root),
                ]
        self.version = self.cli_version()

    def env(self):
        return clean_env()

    def cli_version(self):
        if not self.prefix:
            return None
        with tempfile.TemporaryDirectory(dir="/tmp") as d:
            rc, out, err, _, _ = run_process(self.prefix + ["--version"], Path(d), b"", "pipe", 30, self.env())
        return out.decode().splitlines()[0].strip() if rc == 0 and out else None

    def available(self, runtime):
        if not self.version:
            return "no wasmedge CLI here (not on PATH, no Debian 13 root)"
        return None

    def prepare(self, runtime, test, scratch, grants, settings):
        pages = min(settings["max_memory_bytes"] // PAGE, 65536)
        limit_ms = int(settings["timeout_s"] * 1000)
        flags = ["--memory-page-limit", str(pages), "--time-limit", str(limit_ms)]
        for host, guest in grants:
            flags += ["--dir", f"{guest}:{host}" + (":readonly" if test.read_only else "")]
        for k, v in test.env.items():
            flags += ["--env", f"{k}={v}"]
        module = f"{test.name}.wasm"
        if runtime == "wasmedge-aot":
            so = f"{test.name}.so"
            rc, out, err, killed, secs = run_process(
                self.prefix + ["compile", "--optimize", "3", "--interruptible", module, so],
                scratch, b"", "pipe", 300, self.env(),
            )
            if rc != 0 or killed:
                return None, f"wasmedge compile failed ({rc}): {tail(out + err)}"
            module = so
        return self.prefix + flags + [module] + test.args, None

    def kill_after(self, settings):
        return settings["timeout_s"] + GRACE_S

    def observe(self, rc, out, err, killed, seconds):
        logs = [(m.group(1).decode(), m.group(2).decode("utf-8", "replace"))
                for stream in (out, err) for m in WASMEDGE_LOG.finditer(stream)]
        out = WASMEDGE_LOG.sub(b"", out)
        err = WASMEDGE_LOG.sub(b"", err)
        if killed:
            return Observed("killed", stdout=out, stderr=err, seconds=seconds)
        if rc < 0:
            return Observed("crashed", stdout=out, stderr=err, message=signal_name(rc), seconds=seconds)
        errors = [m for level, m in logs if level == "error"]
        failed = next((m for m in errors if " failed: " in m), None)
        if failed is None:
            return Observed("exited", code=rc, stdout=out, stderr=err, seconds=seconds)
        where = next((m.strip() for m in errors if "When executing function name" in m), "")
        message = failed.split(" failed: ", 1)[1] + (f"; {where}" if where else "")
        if any("execution interrupted" in m for m in errors):
            kind = "timeout"
        elif any(re.search(r"(loading|validation|instantiation) failed", m) for m in errors):
            # Not a trap: the module never ran.
            kind = "refused"
        else:
            kind = "trap"
        return Observed(kind, code=rc, stdout=out, stderr=err, message=message, seconds=seconds)


# -------------------------------------------------------------------- Wasmer

WASMER_COMPILERS = {
    "wasmer-cranelift": "--cranelift",
    "wasmer-singlepass": "--singlepass",
    "wasmer-llvm": "--llvm",
}


class Wasmer:
    family = "wasmer"
    how = (
        "`wasmer run --cranelift|--singlepass|--llvm --volume HOST:GUEST --env K=V [--env-file F] "
        "NAME.wasm -- ARGS`, cwd the scratch dir, stdin a pipe (held open and never written for a test without `stdin`), no memory cap or time limit "
        "(it has none): killed at the limit; a trap is `RuntimeError: ...` and exit code 45"
    )

    def __init__(self, args):
        self.bin = args.wasmer or shutil.which("wasmer")
        self.home = Path(args.workdir) / "wasmer-home"
        self.home.mkdir(parents=True, exist_ok=True)
        self.version = None
        self.compilers = {}
        if self.bin:
            with tempfile.TemporaryDirectory(dir="/tmp") as d:
                rc, out, _, _, _ = run_process([self.bin, "--version"], Path(d), b"", "pipe", 30, self.env())
                self.version = out.decode().strip() if rc == 0 else None
                # Which compilers the binary was built with: run an empty module.
                empty = Path(d) / "empty.wasm"
                empty.write_bytes(b"\0asm\1\0\0\0")
                for runtime, flag in WASMER_COMPILERS.items():
                    rc, out, err, _, _ = run_process(
                        [self.bin, "run", flag, str(empty)], Path(d), b"", "pipe", 60, self.env())
                    lacks = b"unexpected argument" in err
                    self.compilers[runtime] = tail(err.split(b"\n\n")[0], 160) if lacks else None

    def env(self):
        return clean_env(WASMER_DIR=str(self.home), WASMER_CACHE_DIR=str(self.home / "cache"))

    def available(self, runtime):
        if not self.bin or not self.version:
            return "no wasmer CLI (give --wasmer PATH)"
        return self.compilers.get(runtime) and f"the wasmer CLI lacks it: {self.compilers[runtime]}"

    def prepare(self, runtime, test, scratch, grants, settings):
        flags = [WASMER_COMPILERS[runtime]]
        for host, guest in grants:
            flags += ["--volume", f"{host}:{guest}"]
        # `--env` refuses an empty value and trims the entry: those go in an
        # env file (dotenv, single-quoted: taken as written).
        in_file = {k: v for k, v in test.env.items() if v == "" or v != v.strip() or "'" in v}
        for k, v in test.env.items():
            if k not in in_file:
                flags += ["--env", f"{k}={v}"]
        if in_file:
            env_file = scratch / ".env"
            env_file.write_text("".join(f"{k}='{v}'\n" for k, v in in_file.items()))
            flags += ["--env-file", str(env_file)]
        return [self.bin, "run"] + flags + [f"{test.name}.wasm", "--"] + test.args, None

    def kill_after(self, settings):
        return settings["timeout_s"]

    def observe(self, rc, out, err, killed, seconds):
        if killed:
            return Observed("killed", stdout=out, stderr=err, seconds=seconds)
        if rc < 0:
            return Observed("crashed", stdout=out, stderr=err, message=signal_name(rc), seconds=seconds)
        text = err.decode("utf-8", "replace")
        # A trap: wasmer-wasix prints the RuntimeError (and its frames) on
        # stderr and ends the process with ENOEXEC, 45 (bin_factory/exec.rs).
        at = text.rfind("RuntimeError: ")
        if rc == 45 and at >= 0 and (at == 0 or text[at - 1] == "\n"):
            message = text[at + len("RuntimeError: "):].strip().splitlines()[0]
            return Observed("trap", code=rc, stdout=out, stderr=text[:at].encode(),
                            message=message, seconds=seconds)
        # An error of the CLI's (a module it refuses, a bad option): printed
        # as `error: ...` and `╰─▶ n: cause` lines, exit code 1.
        at = text.rfind("error: ")
        if rc in (1, 2) and at >= 0 and (at == 0 or text[at - 1] == "\n"):
            report = text[at:].splitlines()
            causes = [l.split(":", 1)[-1].strip() for l in report[1:] if l.strip()]
            message = " / ".join([report[0][len("error: "):].strip()] + causes)
            return Observed("refused", code=rc, stdout=out, stderr=text[:at].encode(),
                            message=message, seconds=seconds)
        return Observed("exited", code=rc, stdout=out, stderr=err, seconds=seconds)


def clean_env(**more):
    """What the CLIs are run with: no host variables of the user's (a CLI
    could read its own settings from them: wasmer's FORWARD_HOST_ENV)."""
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8"}
    env.update(more)
    return env


# ------------------------------------------------------------------- driver


def explain(runtime, test, record, cli):
    for pattern, test_glob, needs, reason in EXPLAINED:
        if fnmatch.fnmatch(runtime, pattern) and fnmatch.fnmatch(test.id, test_glob):
            if needs is None or needs(record, cli):
                return reason
    return "not explained yet"


def md(text, n=None):
    text = " ".join(str(text).split())
    if n and len(text) > n:
        text = text[: n - 1] + "…"
    return text.replace("|", "\\|")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("matrix", help="conformance.json written by `wasm-arena conformance`")
    p.add_argument("--family", action="append", choices=sorted(FAMILIES),
                   help="a family to check (default: every one whose CLI is here)")
    p.add_argument("--suites", default=str(REPO / "workloads" / "conformance"),
                   help="the directory holding the wasi/ and sandbox/ suites")
    p.add_argument("--root", default=str(REPO / ".root" / "debian13"),
                   help="the Debian 13 root holding the wasmedge CLI")
    p.add_argument("--wasmer", help="the wasmer CLI binary (default: wasmer on PATH)")
    p.add_argument("--only", action="append", help="run only tests matching this glob (suite/test)")
    p.add_argument("--stdin", choices=("pipe", "file"), default="pipe",
                   help="give the guest's stdin as a pipe (default, as a shell does) or a regular file")
    p.add_argument("--json", help="also write every CLI run, judged, to this file")
    p.add_argument("--workdir", default="/tmp/xcheck", help="scratch space (kept under /tmp for the root)")
    p.add_argument("--keep", action="store_true", help="keep each run's scratch directory")
    p.add_argument("--verbose", "-v", action="store_true", help="progress on stderr")
    args = p.parse_args()

    matrix = json.loads(Path(args.matrix).read_text())
    settings = {"timeout_s": 10.0, "max_memory_bytes": 256 << 20}
    settings.update({k: v for k, v in matrix.get("settings", {}).items() if k in settings})
    verdicts = {(r["runtime"], r["suite"], r["test"]): r for r in matrix["results"]}
    in_matrix = {r["id"] for r in matrix["runtimes"]}

    tests = [t for s in SUITES for t in load_suite(Path(args.suites) / s)]
    if args.only:
        tests = [t for t in tests if any(fnmatch.fnmatch(t.id, g) for g in args.only)]
    Path(args.workdir).mkdir(parents=True, exist_ok=True)

    families = args.family or sorted(FAMILIES)
    clis = {"wasmedge": WasmEdge, "wasmer": Wasmer}
    began = time.monotonic()
    rows, both_fail, counts, notes, runs = [], [], {}, [], []
    for family in families:
        cli = clis[family](args)
        notes.append(f"{family}: {cli.how}")
        for runtime in FAMILIES[family]:
            if runtime not in in_matrix:
                notes.append(f"{runtime}: not in the matrix")
                continue
            missing = cli.available(runtime)
            if missing:
                notes.append(f"{runtime}: not compared: {missing}")
                continue
            c = counts.setdefault(runtime, {"cli": cli.version, "compared": 0, "agree": 0,
                                            "disagree": 0, "skip": 0, "absent": 0, "seconds": 0.0})
            for test in tests:
                record = verdicts.get((runtime, test.suite, test.name))
                if record is None:
                    c["absent"] += 1
                    continue
                if record["verdict"] == "skip":
                    c["skip"] += 1
                    continue
                scratch = Path(tempfile.mkdtemp(prefix=f"{runtime}-{test.name}-", dir=args.workdir))
                try:
                    shutil.copy(test.module, scratch / f"{test.name}.wasm")
                    grants = []
                    for i, (host, guest) in enumerate(test.grants()):
                        copy = scratch / f"grant-{i}"
                        copy_tree(host, copy)
                        grants.append((copy, guest))
                    argv, error = cli.prepare(runtime, test, scratch, grants, settings)
                    if error:
                        observed = Observed("refused", message=error)
                    else:
                        rc, out, err, killed, secs = run_process(
                            argv, scratch, test.stdin, args.stdin, cli.kill_after(settings),
                            cli.env())
                        observed = cli.observe(rc, out, err, killed, secs)
                        c["seconds"] += secs
                finally:
                    if not args.keep:
                        shutil.rmtree(scratch, ignore_errors=True)
                failure = check(test, observed)
                cli_pass = failure is None
                adapter_pass = record["verdict"] in ("pass", "unexpected-pass")
                c["compared"] += 1
                agree = cli_pass == adapter_pass
                c["agree" if agree else "disagree"] += 1
                if args.verbose:
                    print(f"{runtime} {test.id}: adapter {record['verdict']}, CLI "
                          f"{'pass' if cli_pass else 'fail'}{'' if agree else '  <-- DISAGREE'}",
                          file=sys.stderr)
                run = {
                    "runtime": runtime, "suite": test.suite, "test": test.name,
                    "adapter": record["verdict"], "adapter_reason": record.get("reason"),
                    "cli": "pass" if cli_pass else "fail", "cli_reason": failure,
                    "cli_observed": observed.describe(), "cli_exit_code": observed.code,
                    "cli_stdout": observed.stdout.decode("utf-8", "replace")[:4096],
                    "cli_stderr": observed.stderr.decode("utf-8", "replace")[:4096],
                    "seconds": round(observed.seconds, 3), "argv": argv,
                }
                runs.append(run)
                if not agree:
                    rows.append((test, runtime, record, observed, failure, explain(runtime, test, record, observed)))
                elif not cli_pass:
                    both_fail.append((test, runtime, record, failure))

    elapsed = time.monotonic() - began
    out = []
    out.append("# Conformance: adapters against their command-line tools\n")
    out.append(f"Matrix: `{args.matrix}` (started {matrix.get('started_at', '?')}); "
               f"suites {', '.join(SUITES)} ({len(tests)} tests); time limit "
               f"{settings['timeout_s']:g} s, memory cap {settings['max_memory_bytes'] >> 20} MiB; "
               f"guest stdin as a {args.stdin}; {elapsed:.0f} s in all.\n")
    out.append("| runtime id | CLI | compared | agree | disagree | skip in matrix (not compared) | CLI run time |")
    out.append("|---|---|---:|---:|---:|---:|---:|")
    for runtime, c in counts.items():
        out.append(f"| {runtime} | {md(c['cli'])} | {c['compared']} | {c['agree']} | {c['disagree']} | "
                   f"{c['skip']} | {c['seconds']:.0f} s |")
    for n in notes:
        out.append(f"\n- {n}")
    out.append("\n## Disagreements\n")
    if not rows:
        out.append("None.")
    else:
        out.append("| test | runtime id | adapter (matrix) | CLI | why they differ |")
        out.append("|---|---|---|---|---|")
        for test, runtime, record, observed, failure, reason in rows:
            adapter = f"{record['verdict']}: {record.get('reason') or record.get('observed') or ''}"
            cli_text = ("pass: " + observed.describe()) if failure is None else f"fail: {failure}"
            out.append(f"| {test.id} | {runtime} | {md(adapter, 260)} | {md(cli_text, 260)} | {md(reason)} |")
    if both_fail:
        out.append("\n## Failures the CLI shares (agreements, for comparing how they fail)\n")
        out.append("| test | runtime id | adapter (matrix) | CLI |")
        out.append("|---|---|---|---|")
        for test, runtime, record, failure in both_fail:
            out.append(f"| {test.id} | {runtime} | {md(record['verdict'] + ': ' + (record.get('reason') or ''), 160)} "
                       f"| {md(failure, 160)} |")
    print("\n".join(out))
    if args.json:
        Path(args.json).write_text(json.dumps({"matrix": args.matrix, "counts": counts,
                                               "notes": notes, "runs": runs}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
