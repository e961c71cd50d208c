/* fd_close: a closed descriptor is gone (fd_write, fd_read, fd_seek and a
 * second fd_close on it are EBADF), a descriptor number never opened is
 * EBADF, and closing one file leaves another open file working. */
#include "../check.h"

int main(void) {
    __wasi_fd_t dir = preopen_fd(), a, b;
    __wasi_size_t n;
    __wasi_filesize_t pos;
    char buf[32];
    put_file(dir, "a.txt", "first");
    put_file(dir, "b.txt", "second");
    ok(open_at(dir, "a.txt", 0, 0, &a), "open a.txt");
    ok(open_at(dir, "b.txt", 0, 0, &b), "open b.txt");
    ok(__wasi_fd_close(a), "fd_close a.txt");
    puts("fd_close: ok");
    ERR_IN(write_str(a, "x", &n), "fd_write on a closed fd", __WASI_ERRNO_BADF);
    ERR_IN(read_str(a, buf, sizeof buf, &n), "fd_read on a closed fd", __WASI_ERRNO_BADF);
    ERR_IN(__wasi_fd_seek(a, 0, __WASI_WHENCE_SET, &pos), "fd_seek on a closed fd", __WASI_ERRNO_BADF);
    ERR_IN(__wasi_fd_close(a), "fd_close twice", __WASI_ERRNO_BADF);
    puts("closed fd: write, read, seek, close all EBADF");
    ERR_IN(__wasi_fd_close(1234567), "fd_close on a never-opened fd", __WASI_ERRNO_BADF);
    ERR_IN(write_str(1234567, "x", &n), "fd_write on a never-opened fd", __WASI_ERRNO_BADF);
    puts("never-opened fd: EBADF");
    ok(read_str(b, buf, sizeof buf, &n), "fd_read b.txt");
    expect_str("b.txt after closing a.txt", buf, "second");
    puts("other fd still reads: second");
    ok(__wasi_fd_close(b), "fd_close b.txt");
    return 0;
}
