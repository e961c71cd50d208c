/* path_symlink and path_readlink: a new symlink reads back its exact target
 * text (and the byte count), opening it follows it to the target, stat with
 * SYMLINK_FOLLOW sees the file while stat without it sees the link, opening
 * it without SYMLINK_FOLLOW is refused (ELOOP, as O_NOFOLLOW; EMLINK on some
 * BSDs), a symlink onto an existing name is EEXIST, readlink of a regular
 * file is EINVAL, and unlinking the link leaves the target alone. */
#include "../check.h"

int main(void) {
    __wasi_fd_t dir = preopen_fd(), fd;
    __wasi_filestat_t st;
    __wasi_size_t n;
    char buf[64];
    __wasi_rights_t r = inherit_rights(dir);
    put_file(dir, "target.txt", "the target");
    ok(__wasi_path_symlink("target.txt", dir, "link"), "path_symlink target.txt link");
    puts("path_symlink: ok");
    memset(buf, 0, sizeof buf);
    ok(__wasi_path_readlink(dir, "link", (uint8_t *)buf, sizeof buf, &n), "path_readlink link");
    expect_u64("path_readlink length", n, 10);
    expect_str("path_readlink", buf, "target.txt");
    puts("path_readlink: target.txt (10 bytes)");
    expect_str("reading through link", must_read(dir, "link"), "the target");
    puts("open through the link: the target's content");
    ok(__wasi_path_filestat_get(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "link", &st), "stat link (follow)");
    if (st.filetype != __WASI_FILETYPE_REGULAR_FILE) fail("stat link (follow): %s (expected regular_file)", type_name(st.filetype));
    expect_u64("stat link (follow) size", st.size, 10);
    ok(__wasi_path_filestat_get(dir, 0, "link", &st), "stat link (no follow)");
    if (st.filetype != __WASI_FILETYPE_SYMBOLIC_LINK) fail("stat link (no follow): %s (expected symbolic_link)", type_name(st.filetype));
    puts("stat follow: regular_file; stat no follow: symbolic_link");
    ERR_IN(__wasi_path_open(dir, 0, "link", 0, r & ~WRITE_RIGHTS, r, 0, &fd), "open link without SYMLINK_FOLLOW",
           __WASI_ERRNO_LOOP, __WASI_ERRNO_MLINK);
    puts("open without SYMLINK_FOLLOW: refused");
    ERR_IN(__wasi_path_symlink("anything", dir, "target.txt"), "symlink onto an existing name", __WASI_ERRNO_EXIST);
    puts("symlink onto an existing name: EEXIST");
    ERR_IN(__wasi_path_readlink(dir, "target.txt", (uint8_t *)buf, sizeof buf, &n), "readlink of a file",
           __WASI_ERRNO_INVAL);
    puts("readlink of a regular file: EINVAL");
    ok(__wasi_path_unlink_file(dir, "link"), "unlink link");
    ERR_IN(__wasi_path_filestat_get(dir, 0, "link", &st), "stat link after unlink", __WASI_ERRNO_NOENT);
    expect_str("target after unlinking the link", must_read(dir, "target.txt"), "the target");
    puts("unlink link: link gone, target kept");
    return 0;
}
