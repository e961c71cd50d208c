/* An empty _start: no WASI imports, no memory use. Its execute phase is the
 * harness's own overhead (the call into the guest and the clock reads). The
 * native twin is an empty main: the floor of a native process. */
#ifdef __wasm__
__attribute__((export_name("_start"))) void start(void) {}
#else
int main(void) { return 0; }
#endif
