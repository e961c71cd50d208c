// random_get called from Rust through a raw import (std has no public random
// API): buffers of 1 byte to 64 KiB are filled, two draws differ, and a
// zero-length draw succeeds. "Filled" is judged by chance (16 untouched
// bytes in a row from a correct host: odds 2^-128).
use std::process::exit;

#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    fn random_get(buf: *mut u8, len: usize) -> u16;
}

fn draw(buf: &mut [u8]) {
    let errno = unsafe { random_get(buf.as_mut_ptr(), buf.len()) };
    if errno != 0 {
        eprintln!("FAIL: random_get({}): errno {} (expected success)", buf.len(), errno);
        exit(1);
    }
}

fn main() {
    for &n in &[1usize, 16, 1000, 65536] {
        let mut buf = vec![0x5Au8; n + 32];
        draw(&mut buf[..n]);
        if n >= 16 && buf[..n].chunks_exact(16).any(|c| c.iter().all(|&b| b == 0x5A)) {
            eprintln!("FAIL: random_get({}): a 16-byte block untouched (expected random)", n);
            exit(1);
        }
        if buf[n..].iter().any(|&b| b != 0x5A) {
            eprintln!("FAIL: random_get({}): wrote past the buffer (expected not)", n);
            exit(1);
        }
        println!("random_get({}): ok", n);
    }
    let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
    draw(&mut a);
    draw(&mut b);
    if a == b {
        eprintln!("FAIL: two random_get(32): identical (expected different)");
        exit(1);
    }
    println!("two draws: different");
    draw(&mut []);
    println!("random_get(0): ok");
}
