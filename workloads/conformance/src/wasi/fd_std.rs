// Files through Rust's std::fs and std::io: write_all then read_to_string,
// Seek from Start/Current/End, a read at end of file gives 0 bytes,
// OpenOptions::append writes at the end whatever the offset, set_len grows
// with zeros and shrinks, and stream_position follows every step.
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::process::exit;

fn check<T: PartialEq + std::fmt::Debug>(what: &str, got: T, want: T) {
    if got != want {
        eprintln!("FAIL: {}: {:?} (expected {:?})", what, got, want);
        exit(1);
    }
}

fn main() -> std::io::Result<()> {
    let mut f = File::create("/std.txt")?;
    f.write_all(b"The quick brown fox")?;
    check("stream_position after write", f.stream_position()?, 19);
    drop(f);
    println!("write_all: 19 bytes");
    check("read_to_string", std::fs::read_to_string("/std.txt")?, "The quick brown fox".to_string());
    println!("read_to_string: The quick brown fox");

    let mut f = OpenOptions::new().read(true).write(true).open("/std.txt")?;
    check("seek End(-3)", f.seek(SeekFrom::End(-3))?, 16);
    let mut buf = [0u8; 8];
    let n = f.read(&mut buf)?;
    check("read after End(-3)", &buf[..n], &b"fox"[..]);
    check("read at end of file", f.read(&mut buf)?, 0);
    check("seek Start(4)", f.seek(SeekFrom::Start(4))?, 4);
    check("seek Current(6)", f.seek(SeekFrom::Current(6))?, 10);
    f.write_all(b"BROWN")?;
    check("stream_position after write", f.stream_position()?, 15);
    println!("seek End/Start/Current: 16, 4, 10; overwrite at 10");
    drop(f);
    check("after overwrite", std::fs::read_to_string("/std.txt")?, "The quick BROWN fox".to_string());
    println!("content: The quick BROWN fox");

    let mut f = OpenOptions::new().append(true).open("/std.txt")?;
    f.write_all(b" jumps")?;
    drop(f);
    check("after append", std::fs::read_to_string("/std.txt")?, "The quick BROWN fox jumps".to_string());
    println!("append: The quick BROWN fox jumps");

    let f = OpenOptions::new().write(true).open("/std.txt")?;
    f.set_len(30)?;
    check("metadata len after set_len(30)", f.metadata()?.len(), 30);
    let data = std::fs::read("/std.txt")?;
    check("bytes 25..30 after growing", &data[25..], &[0u8; 5][..]);
    f.set_len(9)?;
    drop(f);
    check("after set_len(9)", std::fs::read_to_string("/std.txt")?, "The quick".to_string());
    println!("set_len: grows with zeros, shrinks to The quick");
    Ok(())
}
