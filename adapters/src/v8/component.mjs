// Runs a WASI command component on node, as the official wasi-testsuite's
// jco adapter does: jco transpiles the component to JavaScript and core
// modules, and its WASI shims (@bytecodealliance/preview2-shim, and
// preview3-shim for 0.3) are the host. The v8 adapter (component.rs) puts
// this file in a directory whose node_modules holds them, and calls:
//
//   node component.mjs transpile COMPONENT.wasm
//       writes component.js and its core modules beside this file;
//   node component.mjs run ARGS_JSON ENV_JSON PREOPENS_JSON
//       runs them: argv and the whole environment as given, preopens as
//       {guest: host}; stdin, stdout and stderr are this process's own.
//
// A run that ends by returning writes one JSON line to fd 3: how it ended
// ("ok"; "error": `run` returned its error; "trap"; "host": node or the shims
// failed, the message says how) and the nanoseconds of the call, or between
// the guest's `bench` markers when it called both ("markers"). A guest that
// exits through wasi:cli/exit ends the process at once with its code and
// writes nothing.
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

const here = import.meta.dirname;
const [mode, ...rest] = process.argv.slice(2);

if (mode === 'transpile') {
  const { transpileBytes } = await import('@bytecodealliance/jco-transpile');
  const { files } = await transpileBytes(fs.readFileSync(rest[0]), {
    name: 'component',
    // A workload's markers, its own `bench` interface: the file below.
    map: { bench: './bench.js' },
  });
  for (const [name, data] of Object.entries(files)) {
    // The TypeScript declarations are for people, not for node.
    if (!name.endsWith('.d.ts')) fs.writeFileSync(`${here}/${name}`, data);
  }
  fs.writeFileSync(
    `${here}/bench.js`,
    'export const start = () => { globalThis.benchStart = process.hrtime.bigint(); };\n' +
      'export const end = () => { globalThis.benchEnd = process.hrtime.bigint(); };\n',
  );
} else if (mode === 'run') {
  const report = (ended, message, nanos, markers) =>
    fs.writeSync(3, JSON.stringify({ ended, message, nanos, markers }) + '\n');
  try {
    const [ended, message, whole] = await run(...rest.map((json) => JSON.parse(json)));
    const { benchStart, benchEnd } = globalThis;
    const markers = benchStart !== undefined && benchEnd !== undefined && benchEnd >= benchStart;
    report(ended, message, markers ? Number(benchEnd - benchStart) : whole, markers);
    // Let the shim's I/O worker write out what the guest wrote, then exit.
    process.exitCode = ended === 'ok' ? 0 : 1;
  } catch (e) {
    report('host', String(e?.stack ?? e), 0, false);
    process.exitCode = 125;
  }
} else {
  throw new Error(`unknown mode ${mode}`);
}

async function run(args, env, preopens) {
  const cli = await import('@bytecodealliance/preview2-shim/cli');
  const filesystem = await import('@bytecodealliance/preview2-shim/filesystem');
  cli._setArgs(args);
  // The whole environment: without it the guest sees node's.
  cli._setEnv(env);
  cli._setCwd(null);
  // Without it the guest has no preopen at all.
  filesystem._setPreopens(preopens);
  const js = `${here}/component.js`;
  if (fs.readFileSync(js, 'utf8').includes('@bytecodealliance/preview3-shim')) {
    // 0.3's shim shares the cli state with 0.2's but has preopens of its own.
    const p3 = await import('@bytecodealliance/preview3-shim/filesystem');
    p3._setPreopens(preopens);
  }
  const component = await import(pathToFileURL(js).href);
  const entry = component['wasi:cli/run@0.3.0'] ?? component.run;
  const began = process.hrtime.bigint();
  const since = () => Number(process.hrtime.bigint() - began);
  try {
    await entry.run();
    return ['ok', '', since()];
  } catch (e) {
    // A trap is a RuntimeError, a stack overflow V8's RangeError; `run`
    // returning its error is jco's ComponentError.
    if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError) {
      return ['trap', String(e.message), since()];
    }
    if (e?.constructor?.name === 'ComponentError') return ['error', '', since()];
    throw e;
  }
}
