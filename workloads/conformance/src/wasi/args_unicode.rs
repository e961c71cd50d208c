// Arguments through Rust's std::env::args: unicode (multi-byte, CJK, emoji),
// an empty argument, '=' and leading/trailing spaces all arrive unchanged, as
// valid UTF-8 and in order.
use std::process::exit;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let want = ["args_unicode.wasm", "héllo wörld", "日本語", "crab 🦀", "", "--flag=a=b", "  spaced  "];
    println!("args: {}", args.len());
    for (i, a) in args.iter().enumerate() {
        println!("arg {}: {} bytes {:?}", i, a.len(), a);
    }
    if args.len() != want.len() {
        eprintln!("FAIL: argument count: {} (expected {})", args.len(), want.len());
        exit(1);
    }
    for (i, (got, want)) in args.iter().zip(want.iter()).enumerate() {
        if got != want {
            eprintln!("FAIL: argument {}: {:?} (expected {:?})", i, got, want);
            exit(1);
        }
    }
    println!("args: all match");
}
