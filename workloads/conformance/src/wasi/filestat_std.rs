// File metadata through Rust's std::fs: len, is_file/is_dir, File::metadata
// and fs::metadata agree, File::set_len grows and shrinks, modified() of a
// new file is within a minute of SystemTime::now, and a missing path is
// NotFound.
use std::fs::{self, File};
use std::io::{ErrorKind, Write};
use std::process::exit;
use std::time::{Duration, SystemTime};

fn fail(msg: String) -> ! {
    eprintln!("FAIL: {}", msg);
    exit(1)
}

fn main() -> std::io::Result<()> {
    let mut f = File::create("/m.txt")?;
    f.write_all(b"twelve bytes")?;
    let a = f.metadata()?;
    let b = fs::metadata("/m.txt")?;
    if a.len() != 12 || b.len() != 12 || !a.is_file() || !b.is_file() {
        fail(format!("metadata: len {} / {}, file {} / {} (expected 12, true)", a.len(), b.len(), a.is_file(), b.is_file()));
    }
    println!("metadata: len 12, is_file, from File and from path");
    let now = SystemTime::now();
    let modified = b.modified()?;
    let skew = now.duration_since(modified).or_else(|e| Ok::<_, ()>(e.duration())).unwrap();
    if skew > Duration::from_secs(60) {
        fail(format!("modified() of a new file: {:?} away from now (expected within 60 s)", skew));
    }
    println!("modified: within a minute of now");
    f.set_len(1000)?;
    if fs::metadata("/m.txt")?.len() != 1000 {
        fail("len after set_len(1000): wrong (expected 1000)".into());
    }
    f.set_len(5)?;
    drop(f);
    let s = fs::read_to_string("/m.txt")?;
    if s != "twelv" {
        fail(format!("content after set_len(5): {:?} (expected \"twelv\")", s));
    }
    println!("set_len: 1000 then 5 (twelv)");
    if !fs::metadata("/")?.is_dir() {
        fail("metadata(/): not a dir (expected one)".into());
    }
    println!("metadata(/): is_dir");
    match fs::metadata("/nope") {
        Err(e) if e.kind() == ErrorKind::NotFound => println!("metadata(/nope): NotFound"),
        other => fail(format!("metadata(/nope): {:?} (expected NotFound)", other)),
    }
    Ok(())
}
