// Path operations through Rust's std::fs: rename (also over an existing
// file), remove_file, OpenOptions::create_new on an existing file gives
// ErrorKind::AlreadyExists, opening a missing file gives NotFound, hard_link
// and copy work, and Path::exists follows what happened.
use std::fs::{self, OpenOptions};
use std::io::ErrorKind;
use std::path::Path;
use std::process::exit;

fn expect_err(what: &str, r: std::io::Result<impl std::fmt::Debug>, kind: ErrorKind) {
    match r {
        Err(e) if e.kind() == kind => println!("{}: {:?}", what, kind),
        other => {
            eprintln!("FAIL: {}: {:?} (expected {:?})", what, other, kind);
            exit(1);
        }
    }
}

fn expect_content(path: &str, want: &str) -> std::io::Result<()> {
    let got = fs::read_to_string(path)?;
    if got != want {
        eprintln!("FAIL: {}: {:?} (expected {:?})", path, got, want);
        exit(1);
    }
    Ok(())
}

fn main() -> std::io::Result<()> {
    fs::write("/one.txt", "one")?;
    fs::rename("/one.txt", "/two.txt")?;
    expect_content("/two.txt", "one")?;
    if Path::new("/one.txt").exists() {
        eprintln!("FAIL: /one.txt after rename: exists (expected not)");
        exit(1);
    }
    println!("rename: moved");
    fs::write("/three.txt", "three")?;
    fs::rename("/three.txt", "/two.txt")?;
    expect_content("/two.txt", "three")?;
    println!("rename over an existing file: replaced");
    expect_err("create_new on an existing file", OpenOptions::new().write(true).create_new(true).open("/two.txt"), ErrorKind::AlreadyExists);
    expect_err("open a missing file", fs::File::open("/missing.txt"), ErrorKind::NotFound);
    fs::hard_link("/two.txt", "/linked.txt")?;
    expect_content("/linked.txt", "three")?;
    println!("hard_link: same content");
    let copied = fs::copy("/hello.txt", "/copy.txt")?;
    expect_content("/copy.txt", "hello, world\n")?;
    println!("copy: {} bytes", copied);
    fs::remove_file("/two.txt")?;
    expect_err("remove_file then open", fs::File::open("/two.txt"), ErrorKind::NotFound);
    expect_err("remove_file a missing file", fs::remove_file("/two.txt"), ErrorKind::NotFound);
    Ok(())
}
