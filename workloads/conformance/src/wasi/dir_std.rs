// Directories through Rust's std::fs: create_dir_all makes a nested chain,
// create_dir on an existing directory is AlreadyExists, remove_dir of a
// non-empty directory fails and keeps it, remove_dir_all removes a whole
// tree, and metadata/is_dir follow every step.
use std::fs;
use std::io::ErrorKind;
use std::path::Path;
use std::process::exit;

fn fail(msg: String) -> ! {
    eprintln!("FAIL: {}", msg);
    exit(1)
}

fn main() -> std::io::Result<()> {
    fs::create_dir_all("/a/b/c/d")?;
    if !Path::new("/a/b/c/d").is_dir() {
        fail("/a/b/c/d after create_dir_all: not a directory (expected one)".into());
    }
    println!("create_dir_all /a/b/c/d: ok");
    match fs::create_dir("/a/b") {
        Err(e) if e.kind() == ErrorKind::AlreadyExists => println!("create_dir existing: AlreadyExists"),
        other => fail(format!("create_dir existing: {:?} (expected AlreadyExists)", other)),
    }
    fs::write("/a/b/c/file.txt", "data")?;
    fs::write("/a/top.txt", "top")?;
    if fs::remove_dir("/a/b/c").is_ok() {
        fail("remove_dir of a non-empty directory: ok (expected an error)".into());
    }
    if !Path::new("/a/b/c/file.txt").is_file() {
        fail("/a/b/c/file.txt after a refused remove_dir: gone (expected kept)".into());
    }
    println!("remove_dir non-empty: refused, kept");
    fs::remove_dir("/a/b/c/d")?;
    println!("remove_dir empty: ok");
    fs::remove_dir_all("/a")?;
    if Path::new("/a").exists() {
        fail("/a after remove_dir_all: exists (expected gone)".into());
    }
    println!("remove_dir_all /a: gone");
    let names: Vec<String> = fs::read_dir("/")?.map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    println!("root now: {:?}", names);
    Ok(())
}
