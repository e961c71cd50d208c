/* path_rename: a file moves (old name ENOENT, new name has the content),
 * renaming over an existing file replaces it, a directory moves with its
 * contents, a file moves into a subdirectory, and renaming a missing file
 * is ENOENT. */
#include "../check.h"

int main(void) {
    __wasi_fd_t dir = preopen_fd(), fd;
    __wasi_errno_t e;
    put_file(dir, "a.txt", "content of a");
    ok(__wasi_path_rename(dir, "a.txt", dir, "b.txt"), "path_rename a.txt -> b.txt");
    ERR_IN(open_at(dir, "a.txt", 0, 0, &fd), "open the old name", __WASI_ERRNO_NOENT);
    expect_str("b.txt", must_read(dir, "b.txt"), "content of a");
    puts("rename file: old name ENOENT, new name has the content");

    put_file(dir, "c.txt", "content of c");
    ok(__wasi_path_rename(dir, "c.txt", dir, "b.txt"), "path_rename c.txt over b.txt");
    expect_str("b.txt after rename over it", must_read(dir, "b.txt"), "content of c");
    ERR_IN(open_at(dir, "c.txt", 0, 0, &fd), "open c.txt after the rename", __WASI_ERRNO_NOENT);
    puts("rename over an existing file: replaced");

    ok(__wasi_path_create_directory(dir, "d1"), "mkdir d1");
    put_file(dir, "d1/inside.txt", "inside");
    ok(__wasi_path_rename(dir, "d1", dir, "d2"), "path_rename d1 -> d2");
    expect_str("d2/inside.txt", must_read(dir, "d2/inside.txt"), "inside");
    if (get_file(dir, "d1/inside.txt", &e)) fail("d1/inside.txt after moving d1: still there (expected gone)");
    puts("rename directory: moved with its contents");

    ok(__wasi_path_rename(dir, "b.txt", dir, "d2/b.txt"), "path_rename b.txt -> d2/b.txt");
    expect_str("d2/b.txt", must_read(dir, "d2/b.txt"), "content of c");
    puts("rename into a subdirectory: ok");

    ERR_IN(__wasi_path_rename(dir, "missing.txt", dir, "x.txt"), "rename a missing file", __WASI_ERRNO_NOENT);
    puts("rename missing: ENOENT");
    return 0;
}
