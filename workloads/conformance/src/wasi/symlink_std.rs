// Symlinks through Rust's std::fs (the fixture's relative links): read_link
// gives the stored text, symlink_metadata sees the link while metadata
// follows it, reading through a link to a file and through a link to a
// directory works, and a dangling link's metadata is NotFound while its
// symlink_metadata is fine.
use std::fs;
use std::io::ErrorKind;
use std::path::Path;
use std::process::exit;

fn fail(msg: String) -> ! {
    eprintln!("FAIL: {}", msg);
    exit(1)
}

fn main() -> std::io::Result<()> {
    let target = fs::read_link("/dirlink")?;
    if target != Path::new("sub") {
        fail(format!("read_link(/dirlink): {:?} (expected \"sub\")", target));
    }
    println!("read_link(/dirlink): {}", target.display());
    println!("read_link(/sub/up): {}", fs::read_link("/sub/up")?.display());
    let l = fs::symlink_metadata("/dirlink")?;
    let m = fs::metadata("/dirlink")?;
    if !l.file_type().is_symlink() || !m.is_dir() {
        fail(format!("dirlink: symlink_metadata {:?}, metadata {:?} (expected symlink, dir)", l.file_type(), m.file_type()));
    }
    println!("dirlink: symlink_metadata symlink, metadata dir");
    let s = fs::read_to_string("/dirlink/inner.txt")?;
    if s != "inner\n" {
        fail(format!("/dirlink/inner.txt: {:?} (expected \"inner\\n\")", s));
    }
    println!("read through dirlink: inner");
    let s = fs::read_to_string("/sub/up")?;
    if s != "data\n" {
        fail(format!("/sub/up: {:?} (expected \"data\\n\")", s));
    }
    println!("read through sub/up: data");
    match fs::metadata("/dangling") {
        Err(e) if e.kind() == ErrorKind::NotFound => println!("metadata(/dangling): NotFound"),
        other => fail(format!("metadata(/dangling): {:?} (expected NotFound)", other)),
    }
    if !fs::symlink_metadata("/dangling")?.file_type().is_symlink() {
        fail("symlink_metadata(/dangling): not a symlink (expected one)".into());
    }
    println!("symlink_metadata(/dangling): symlink");
    Ok(())
}
