/* Measured-region markers, the Sightglass convention: the harness times only
 * the code between bench_start() and bench_end(). In Wasm they are imports of
 * module "bench"; a native build links a timing shim that defines them. */
#ifndef WASM_ARENA_BENCH_H
#define WASM_ARENA_BENCH_H
#ifdef __wasm__
__attribute__((import_module("bench"), import_name("start"))) void bench_start(void);
__attribute__((import_module("bench"), import_name("end"))) void bench_end(void);
#else
void bench_start(void);
void bench_end(void);
#endif
#endif
