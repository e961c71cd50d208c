// The cold-start host of the `v8` id: node's own WASI (`node:wasi`), the
// command line and report of hosts/common.rs, `run` only (node keeps no
// compiled artifact of a module: it compiles the .wasm at every start).
//
//   node --no-warnings node.mjs run [--dir HOST::GUEST[::ro]]... [--env KEY=VALUE]... FILE [ARGV0 ARGS...]
//
// node:wasi cannot make a directory read-only: `::ro` is accepted and not
// enforced (the v8 adapter says the same of its grants).
import { closeSync, readFileSync, writeSync } from 'node:fs';
import { WASI } from 'node:wasi';

// process.hrtime is CLOCK_MONOTONIC, the clock of the other hosts' reports.
const main = process.hrtime.bigint();
let loaded = 0n;
let instantiated = 0n;

function exit(code) {
  const fd = Number.parseInt(process.env.WASM_ARENA_REPORT_FD ?? '', 10);
  if (Number.isInteger(fd)) {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kib = /^VmHWM:\s+(\d+) kB/m.exec(status);
    const hwm = kib ? BigInt(kib[1]) * 1024n : 0n;
    writeSync(fd, `main=${main} loaded=${loaded} instantiated=${instantiated} hwm=${hwm}\n`);
    closeSync(fd);
  }
  process.exit(code);
}

function usage(problem) {
  process.stderr.write(`node.mjs: ${problem}\nusage: node node.mjs run [--dir HOST::GUEST[::ro]]... [--env KEY=VALUE]... FILE [ARGV0 ARGS...]\n`);
  process.exit(2);
}

const argv = process.argv.slice(2);
if (argv.shift() !== 'run') usage('only `run` is supported: node has no precompiled artifact');
const preopens = {};
const env = {};
while (argv.length > 0 && argv[0].startsWith('--')) {
  const [name, value] = [argv.shift(), argv.shift()];
  if (value === undefined) usage(`${name} needs a value`);
  if (name === '--dir') {
    const [host, guest, mode, extra] = value.split('::');
    if (guest === undefined || extra !== undefined || (mode !== undefined && mode !== 'ro')) {
      usage(`--dir ${value}: expected HOST::GUEST or HOST::GUEST::ro`);
    }
    preopens[guest] = host;
  } else if (name === '--env') {
    const at = value.indexOf('=');
    if (at < 0) usage(`--env ${value}: expected KEY=VALUE`);
    env[value.slice(0, at)] = value.slice(at + 1);
  } else {
    usage(`unknown option ${name}`);
  }
}
const file = argv.shift();
if (file === undefined) usage('no FILE');
const args = argv.length > 0 ? argv : [file];

try {
  const module = new WebAssembly.Module(readFileSync(file));
  loaded = process.hrtime.bigint();
  const wasi = new WASI({ version: 'preview1', args, env, preopens, returnOnExit: true });
  const noop = () => {};
  const instance = new WebAssembly.Instance(module, {
    ...wasi.getImportObject(),
    bench: { start: noop, end: noop },
  });
  instantiated = process.hrtime.bigint();
  exit(wasi.start(instance));
} catch (error) {
  process.stderr.write(`node.mjs: ${error}\n`);
  exit(70);
}
