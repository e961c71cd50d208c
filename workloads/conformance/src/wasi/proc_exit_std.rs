// std::process::exit(17) from Rust, called from a nested function: the status
// reaches the host, earlier println! output is kept (line-buffered stdout is
// flushed at each newline), and nothing after the call runs.
fn inner(depth: u32) -> u32 {
    if depth == 5 {
        println!("exiting with 17 at depth {}", depth);
        eprintln!("stderr line before exit");
        std::process::exit(17);
    }
    let r = inner(depth + 1);
    println!("returned: must not print");
    r
}

fn main() {
    println!("start");
    inner(0);
    println!("after: must not print");
}
