/* path_open's creation flags: O_CREAT makes a missing file, O_CREAT|O_EXCL
 * on an existing file is EEXIST (and leaves it intact), O_CREAT on an
 * existing file opens it without truncating, and opening a missing file
 * without O_CREAT is ENOENT, as is a missing parent directory even with
 * O_CREAT. */
#include "../check.h"

int main(void) {
    __wasi_fd_t dir = preopen_fd(), fd;
    ERR_IN(open_at(dir, "new.txt", 0, 0, &fd), "open a missing file", __WASI_ERRNO_NOENT);
    puts("open missing file: ENOENT");
    ok(open_at(dir, "new.txt", __WASI_OFLAGS_CREAT, 0, &fd), "O_CREAT on a missing file");
    __wasi_size_t n;
    ok(write_str(fd, "made", &n), "fd_write");
    ok(__wasi_fd_close(fd), "fd_close");
    expect_str("new.txt", must_read(dir, "new.txt"), "made");
    puts("O_CREAT: created");
    ERR_IN(open_at(dir, "new.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, 0, &fd),
           "O_CREAT|O_EXCL on an existing file", __WASI_ERRNO_EXIST);
    expect_str("new.txt after O_EXCL", must_read(dir, "new.txt"), "made");
    puts("O_CREAT|O_EXCL existing: EEXIST, file intact");
    ERR_IN(open_at(dir, "hello.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, 0, &fd),
           "O_CREAT|O_EXCL on a fixture file", __WASI_ERRNO_EXIST);
    ok(open_at(dir, "new.txt", __WASI_OFLAGS_CREAT, 0, &fd), "O_CREAT on an existing file");
    ok(__wasi_fd_close(fd), "fd_close");
    expect_str("new.txt after O_CREAT again", must_read(dir, "new.txt"), "made");
    puts("O_CREAT existing: opened, not truncated");
    ok(open_at(dir, "excl.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, 0, &fd), "O_CREAT|O_EXCL on a new file");
    ok(__wasi_fd_close(fd), "fd_close");
    puts("O_CREAT|O_EXCL new: created");
    ERR_IN(open_at(dir, "no/such/dir.txt", __WASI_OFLAGS_CREAT, 0, &fd), "O_CREAT under a missing directory",
           __WASI_ERRNO_NOENT);
    puts("O_CREAT under a missing directory: ENOENT");
    return 0;
}
