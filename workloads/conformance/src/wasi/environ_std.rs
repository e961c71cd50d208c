// The environment through Rust's std::env: vars() lists exactly the granted
// variables (sorted here, hosts may use any order), var() reads a value with
// '=' and unicode in it, and a missing variable is NotPresent.
use std::env;
use std::process::exit;

fn check(what: &str, ok: bool, got: String, want: &str) {
    if !ok {
        eprintln!("FAIL: {}: {} (expected {})", what, got, want);
        exit(1);
    }
}

fn main() {
    let mut vars: Vec<(String, String)> = env::vars().collect();
    vars.sort();
    println!("vars: {}", vars.len());
    for (k, v) in &vars {
        println!("  {}={}", k, v);
    }
    check("vars count", vars.len() == 3, vars.len().to_string(), "3");
    let v = env::var("CONFIG");
    check("var(CONFIG)", v.as_deref() == Ok("mode=fast;level=3"), format!("{:?}", v), "mode=fast;level=3");
    println!("var(CONFIG): {}", v.unwrap());
    let v = env::var("GREETING");
    check("var(GREETING)", v.as_deref() == Ok("こんにちは"), format!("{:?}", v), "こんにちは");
    println!("var(GREETING): {}", v.unwrap());
    let v = env::var("NOT_SET");
    check("var(NOT_SET)", v == Err(env::VarError::NotPresent), format!("{:?}", v), "NotPresent");
    println!("var(NOT_SET): not present");
    check("var_os(HOME)", env::var_os("HOME").is_none(), format!("{:?}", env::var_os("HOME")), "None");
    println!("var_os(HOME): none");
}
