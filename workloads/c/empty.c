/* An empty _start: no WASI imports, no memory use. Its execute phase is the
 * harness's own overhead (the call into the guest and the clock reads). */
__attribute__((export_name("_start"))) void start(void) {}
