// Clocks through Rust's std::time: SystemTime is after 2020 and before 2200,
// Instant never goes backwards over many reads, and Instant and SystemTime
// both advance across a 20 ms sleep by at least 20 ms (std's sleep is
// poll_oneoff on a relative clock).
use std::process::exit;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn main() {
    let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_else(|e| {
        eprintln!("FAIL: SystemTime::now: before the epoch by {:?} (expected after 2020)", e.duration());
        exit(1)
    });
    if since.as_secs() < 1_577_836_800 || since.as_secs() > 7_258_118_400 {
        eprintln!("FAIL: SystemTime::now: {} s since the epoch (expected 2020 to 2200)", since.as_secs());
        exit(1);
    }
    println!("SystemTime::now: after 2020");
    let mut prev = Instant::now();
    for _ in 0..100_000 {
        let t = Instant::now();
        if t < prev {
            eprintln!("FAIL: Instant::now: went backwards (expected never)");
            exit(1);
        }
        prev = t;
    }
    println!("Instant::now: never went backwards in 100000 reads");
    let (i0, s0) = (Instant::now(), SystemTime::now());
    std::thread::sleep(Duration::from_millis(20));
    let di = i0.elapsed();
    if di < Duration::from_millis(20) {
        eprintln!("FAIL: Instant across sleep(20 ms): {:?} (expected >= 20 ms)", di);
        exit(1);
    }
    println!("Instant: advanced at least 20 ms across sleep(20 ms)");
    match SystemTime::now().duration_since(s0) {
        Ok(d) if d >= Duration::from_millis(15) => println!("SystemTime: advanced across sleep(20 ms)"),
        other => {
            eprintln!("FAIL: SystemTime across sleep(20 ms): {:?} (expected >= 15 ms)", other);
            exit(1);
        }
    }
}
