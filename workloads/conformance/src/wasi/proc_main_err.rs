// main returning Err: Rust's runtime prints the error's Debug form to stderr
// and the program exits with status 1 (proc_exit(1)), after the stdout
// written before.
fn main() -> Result<(), String> {
    println!("about to fail");
    Err("boom".to_string())
}
