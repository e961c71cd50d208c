// Sleeping through Rust's std::thread::sleep (a poll_oneoff relative clock
// subscription): a 30 ms sleep lasts at least 30 ms by Instant, ten 1 ms
// sleeps last at least 10 ms, and sleep(0) returns.
use std::process::exit;
use std::thread::sleep;
use std::time::{Duration, Instant};

fn main() {
    let t = Instant::now();
    sleep(Duration::from_millis(30));
    let took = t.elapsed();
    if took < Duration::from_millis(30) {
        eprintln!("FAIL: sleep(30 ms): {:?} (expected >= 30 ms)", took);
        exit(1);
    }
    println!("sleep(30 ms): at least 30 ms");
    let t = Instant::now();
    for _ in 0..10 {
        sleep(Duration::from_millis(1));
    }
    let took = t.elapsed();
    if took < Duration::from_millis(10) {
        eprintln!("FAIL: 10 x sleep(1 ms): {:?} (expected >= 10 ms)", took);
        exit(1);
    }
    println!("10 x sleep(1 ms): at least 10 ms");
    sleep(Duration::from_millis(0));
    println!("sleep(0): returned");
}
