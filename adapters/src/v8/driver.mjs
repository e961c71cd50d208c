// The node side of the `v8` adapter. One process holds one module and at
// most one instance. Requests arrive as JSON lines on stdin; each gets one
// reply line on fd 3, so the guest's stdio (files given to node:wasi) and
// node's own stderr stay apart:
//   ok key=INT ...            (times in ns from process.hrtime)
//   error KIND MESSAGE        (KIND: invalid, instantiate, trap, other)
// Node exits when stdin closes.
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import v8 from 'node:v8';
import { WASI } from 'node:wasi';

const REPLY_FD = 3;
const ARTIFACT_MAGIC = 'v8arena1';
const now = process.hrtime.bigint;
const since = (t) => Number(now() - t);

class Failure extends Error {
  constructor(kind, message) {
    super(message);
    this.kind = kind;
  }
}

// A private sentinel for proc_exit: node's own returnOnExit hides the code
// behind a private symbol outside start(), and plugins exit outside it.
const EXIT = Symbol('proc_exit');

let wire, module, marked, wasi, instance, dir;
let exitCode = 0;
let marks = {};
// This node's own resident bytes (adapters/src/resident.rs says why not
// resourceUsage().maxRSS): after the load, after instantiate, and the
// highest seen before the peak was reset for the run.
const resident = { compiled: 0, instantiated: 0, peak: 0 };

const ops = {
  compile({ path }) {
    wire = fs.readFileSync(path);
    const t = now();
    try {
      module = new WebAssembly.Module(wire);
    } catch (e) {
      throw new Failure('invalid', describe(e));
    }
    return loaded(since(t));
  },

  // An artifact is the magic, the u32 length of V8's serialized code, that
  // code, then the wire bytes it was compiled from (V8 needs both).
  load({ path }) {
    const file = fs.readFileSync(path);
    const codeEnd = 12 + (file.length >= 12 ? file.readUInt32LE(8) : 0);
    if (file.length < 12 || file.toString('latin1', 0, 8) !== ARTIFACT_MAGIC || codeEnd > file.length) {
      throw new Failure('invalid', 'not a v8 artifact made by wasm-arena');
    }
    // The runtime function wants an ArrayBuffer of its own for the code.
    const code = file.buffer.slice(file.byteOffset + 12, file.byteOffset + codeEnd);
    wire = file.subarray(codeEnd);
    const t = now();
    module = %DeserializeWasmModule(code, wire);
    const ns = since(t);
    if (module === undefined) {
      throw new Failure('invalid', 'V8 refused the artifact: made by another V8 version or with other flags (the compile-thread setting is one), or damaged');
    }
    return loaded(ns);
  },

  precompile({ path }) {
    const code = Buffer.from(%SerializeWasmModule(module));
    const header = Buffer.alloc(12);
    header.write(ARTIFACT_MAGIC, 'latin1');
    header.writeUInt32LE(code.length, 8);
    fs.writeFileSync(path, Buffer.concat([header, code, wire]));
    return '';
  },

  instantiate(req) {
    // Read on every memory.grow, so it holds from here on.
    if (req.maxPages !== null) v8.setFlagsFromString(`--wasm-max-mem-pages=${req.maxPages}`);
    dir = req.dir;
    const stdin = fs.openSync(`${dir}/stdin`, 'r');
    const stdout = fs.openSync(`${dir}/stdout`, 'w');
    const stderr = fs.openSync(`${dir}/stderr`, 'w');
    const t = now();
    wasi = new WASI({
      version: 'preview1',
      args: req.args,
      env: Object.fromEntries(req.env),
      preopens: Object.fromEntries(req.preopens),
      stdin,
      stdout,
      stderr,
    });
    wasi.wasiImport.proc_exit = (code) => {
      exitCode = code;
      throw EXIT;
    };
    instance = new WebAssembly.Instance(module, {
      ...wasi.getImportObject(),
      bench: {
        start: () => void (marks.start = now()),
        end: () => void (marks.end = now()),
      },
      arena: { echo },
    });
    const ns = since(t);
    resident.instantiated = status().rss;
    return `instantiate=${ns}`;
  },

  run() {
    marks = {};
    resetPeak();
    const t = now();
    exited(() => wasi.start(instance));
    const whole = since(t);
    // A marked module that exited before bench.end is timed whole.
    if (marked && marks.start !== undefined && marks.end >= marks.start) {
      return `exit=${exitCode} markers=1 execute=${Number(marks.end - marks.start)} ${memory()}`;
    }
    return `exit=${exitCode} markers=0 execute=${whole} ${memory()}`;
  },

  plugin({ calls }) {
    let data = new Uint8Array(fs.readFileSync(`${dir}/input`));
    const exports = instance.exports;
    for (const name of ['input_buffer', 'process', 'output_buffer', 'finish']) {
      if (typeof exports[name] !== 'function') throw new Failure('instantiate', `no usable \`${name}\` export`);
    }
    if (exited(() => wasi.initialize(instance)) && exitCode !== 0) {
      throw new Failure('trap', `\`_initialize\` exited with code ${exitCode}`);
    }
    let elapsed;
    resetPeak();
    exited(() => {
      const t = now();
      for (let i = 0; i < calls; i++) {
        const at = exports.input_buffer(data.length);
        bytes(at, data.length).set(data);
        const produced = exports.process(data.length);
        data = bytes(exports.output_buffer(), produced).slice();
      }
      elapsed = since(t);
      exports.finish();
    });
    // A proc_exit inside the loop ends it early: that is no measurement of it.
    if (elapsed === undefined) {
      throw new Failure('trap', `the plugin exited with code ${exitCode} during the calls`);
    }
    return `exit=${exitCode} execute=${elapsed} ${memory()}`;
  },
};

const DEFAULT_KIND = { instantiate: 'instantiate', run: 'trap', plugin: 'trap' };

function loaded(ns) {
  resident.compiled = status().rss;
  marked = WebAssembly.Module.imports(module).some((i) => i.module === 'bench');
  return `compile=${ns}`;
}

/** This process's VmRSS and VmHWM, in bytes. */
function status() {
  const text = fs.readFileSync('/proc/self/status', 'latin1');
  const kib = (name) => 1024 * Number(new RegExp(`^${name}:\\s*(\\d+) kB`, 'm').exec(text)[1]);
  return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
}

/** Keeps the peak so far, then lowers VmHWM to VmRSS for the run's own peak. */
function resetPeak() {
  resident.peak = Math.max(resident.peak, status().hwm);
  fs.writeFileSync('/proc/self/clear_refs', '5');
}

/** The reply's memory fields, read when the run is over. */
function memory() {
  const { hwm } = status();
  const linear = instance.exports.memory?.buffer?.byteLength ?? -1;
  return `rss_compiled=${resident.compiled} rss_instantiated=${resident.instantiated} ` +
    `execute_peak=${hwm} peak=${Math.max(resident.peak, hwm)} linear_memory=${linear}`;
}

/** Runs `body`; whether the guest called proc_exit (its code is in exitCode). */
function exited(body) {
  exitCode = 0;
  try {
    body();
    return false;
  } catch (e) {
    if (e !== EXIT) throw e;
    return true;
  }
}

/** A view of guest memory; out of bounds or negative is the guest's bug. */
function bytes(at, len) {
  const memory = new Uint8Array(instance.exports.memory.buffer);
  if (at < 0 || len < 0 || at + len > memory.length) {
    throw new RangeError(`${len} bytes at ${at} are outside memory of ${memory.length} bytes`);
  }
  return memory.subarray(at, at + len);
}

/** arena.echo(ptr, len) -> len: copies the bytes out and back in; -1 when out of bounds. */
function echo(ptr, len) {
  const memory = new Uint8Array(instance.exports.memory.buffer);
  if (ptr < 0 || len < 0 || ptr + len > memory.length) return -1;
  memory.set(memory.slice(ptr, ptr + len), ptr);
  return len;
}

/** One line: the error, and the wasm function it was raised in, if named. */
function describe(error) {
  let text = String(error);
  const frame = /\n\s+at (?:(\S+) \()?wasm:\/\/\S*?(wasm-function\[\d+\])/.exec(error?.stack ?? '');
  if (frame) text += ` in \`${frame[1] ?? frame[2]}\``;
  return text.replace(/\s+/g, ' ');
}

const decoder = new StringDecoder('utf8');
const chunk = Buffer.alloc(1 << 16);
let pending = '';

function request() {
  for (;;) {
    const newline = pending.indexOf('\n');
    if (newline >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      return JSON.parse(line);
    }
    const n = fs.readSync(0, chunk);
    if (n === 0) process.exit(0);
    pending += decoder.write(chunk.subarray(0, n));
  }
}

for (;;) {
  const req = request();
  let line;
  try {
    line = `ok ${ops[req.op](req)}`;
  } catch (e) {
    const kind = e instanceof Failure ? e.kind : (DEFAULT_KIND[req.op] ?? 'other');
    line = `error ${kind} ${e instanceof Failure ? e.message : describe(e)}`;
  }
  fs.writeSync(REPLY_FD, `${line.trimEnd()}\n`);
}
