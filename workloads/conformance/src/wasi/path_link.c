/* path_link makes a hard link: both names read the same bytes, a write
 * through one shows through the other, nlink is 2 and the inodes are equal;
 * after unlinking the first name the second still holds the data. Linking
 * onto an existing name is EEXIST. */
#include "../check.h"

int main(void) {
    __wasi_fd_t dir = preopen_fd(), fd;
    __wasi_filestat_t a, b;
    __wasi_size_t n;
    put_file(dir, "orig.txt", "shared");
    ok(__wasi_path_link(dir, 0, "orig.txt", dir, "hard.txt"), "path_link orig.txt -> hard.txt");
    expect_str("hard.txt", must_read(dir, "hard.txt"), "shared");
    puts("path_link: the new name reads the same bytes");
    ok(__wasi_path_filestat_get(dir, 0, "orig.txt", &a), "path_filestat_get orig.txt");
    ok(__wasi_path_filestat_get(dir, 0, "hard.txt", &b), "path_filestat_get hard.txt");
    expect_u64("nlink of orig.txt", a.nlink, 2);
    if (a.ino != b.ino || a.dev != b.dev) fail("inode of the two names: different (expected the same)");
    puts("nlink 2, same inode");
    ok(open_at(dir, "hard.txt", 0, __WASI_FDFLAGS_APPEND, &fd), "open hard.txt");
    ok(write_str(fd, "+more", &n), "fd_write hard.txt");
    ok(__wasi_fd_close(fd), "fd_close");
    expect_str("orig.txt after writing hard.txt", must_read(dir, "orig.txt"), "shared+more");
    puts("a write through one name shows through the other");
    ok(__wasi_path_unlink_file(dir, "orig.txt"), "unlink orig.txt");
    expect_str("hard.txt after unlinking orig.txt", must_read(dir, "hard.txt"), "shared+more");
    ok(__wasi_path_filestat_get(dir, 0, "hard.txt", &b), "path_filestat_get hard.txt");
    expect_u64("nlink after unlink", b.nlink, 1);
    puts("unlink the first name: the second keeps the data, nlink 1");
    ERR_IN(__wasi_path_link(dir, 0, "hard.txt", dir, "hello.txt"), "path_link onto an existing name",
           __WASI_ERRNO_EXIST);
    puts("path_link onto an existing name: EEXIST");
    return 0;
}
