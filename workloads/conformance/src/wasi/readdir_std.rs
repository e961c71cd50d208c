// Directory listing through Rust's std::fs::read_dir: every entry with its
// file type (a symlink is reported as a symlink, not followed), sorted since
// the order is the host's; "." and ".." never appear; DirEntry::metadata
// gives the file size.
use std::fs;
use std::process::exit;

fn main() -> std::io::Result<()> {
    let mut names = Vec::new();
    for entry in fs::read_dir("/tree")? {
        let entry = entry?;
        let name = entry.file_name().into_string().unwrap();
        if name == "." || name == ".." {
            eprintln!("FAIL: read_dir: lists {:?} (expected never)", name);
            exit(1);
        }
        let ft = entry.file_type()?;
        let kind = if ft.is_symlink() { "symlink" } else if ft.is_dir() { "dir" } else if ft.is_file() { "file" } else { "other" };
        let size = if ft.is_file() { format!(" {} bytes", entry.metadata()?.len()) } else { String::new() };
        names.push(format!("{} {}{}", name, kind, size));
    }
    names.sort();
    println!("read_dir(/tree): {} entries", names.len());
    for n in &names {
        println!("  {}", n);
    }
    let inner: Vec<_> = fs::read_dir("/tree/sub")?.map(|e| e.unwrap().file_name()).collect();
    println!("read_dir(/tree/sub): {:?}", inner);
    Ok(())
}
