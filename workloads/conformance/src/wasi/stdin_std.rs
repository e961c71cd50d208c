// Reading stdin through Rust's std::io: BufRead::lines gets every line in
// order (UTF-8 kept), read_to_end after the end gives 0 bytes, and a final
// line without a newline still arrives.
use std::io::{self, BufRead, Read};

fn main() -> io::Result<()> {
    let stdin = io::stdin();
    let mut lock = stdin.lock();
    let mut count = 0;
    let mut bytes = 0;
    for line in lock.by_ref().lines() {
        let line = line?;
        count += 1;
        bytes += line.len();
        println!("{}: {} ({} chars)", count, line, line.chars().count());
    }
    println!("lines: {}, bytes without newlines: {}", count, bytes);
    let mut rest = Vec::new();
    let n = lock.read_to_end(&mut rest)?;
    if n != 0 {
        eprintln!("FAIL: read_to_end after the end: {} bytes (expected 0)", n);
        std::process::exit(1);
    }
    println!("after the end: 0 bytes");
    Ok(())
}
