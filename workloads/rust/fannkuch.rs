// fannkuch-redux (Benchmarks Game): checksum and maximum flips over all
// permutations of 1..=n. Built with Debian's rustc for wasm32-wasi.
include!("bench.rs");

fn fannkuch(n: usize) -> (i64, i32) {
    let mut perm1: Vec<usize> = (0..n).collect();
    let mut perm = vec![0usize; n];
    let mut count = vec![0usize; n];
    let (mut checksum, mut max_flips, mut sign) = (0i64, 0i32, 1i64);
    let mut r = n;
    loop {
        while r != 1 {
            count[r - 1] = r;
            r -= 1;
        }
        perm.copy_from_slice(&perm1);
        let mut flips = 0i32;
        let mut k = perm[0];
        while k != 0 {
            perm[..=k].reverse();
            flips += 1;
            k = perm[0];
        }
        max_flips = max_flips.max(flips);
        checksum += sign * flips as i64;
        sign = -sign;
        loop {
            if r == n {
                return (checksum, max_flips);
            }
            let first = perm1[0];
            for i in 0..r {
                perm1[i] = perm1[i + 1];
            }
            perm1[r] = first;
            count[r] -= 1;
            if count[r] > 0 {
                break;
            }
            r += 1;
        }
    }
}

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    unsafe { bench_start() };
    let (checksum, flips) = fannkuch(n);
    unsafe { bench_end() };
    println!("{}\nPfannkuchen({}) = {}", checksum, n, flips);
}
