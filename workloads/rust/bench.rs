// Measured-region markers, the Sightglass convention, for Rust workloads
// (each pulls this in with `include!`): imports of module "bench" in Wasm,
// calls into the timing shim linked into a native build.
#[cfg(target_arch = "wasm32")]
#[link(wasm_import_module = "bench")]
extern "C" {
    #[link_name = "start"]
    fn bench_start();
    #[link_name = "end"]
    fn bench_end();
}
#[cfg(not(target_arch = "wasm32"))]
extern "C" {
    fn bench_start();
    fn bench_end();
}
