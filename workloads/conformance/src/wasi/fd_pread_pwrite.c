/* Positioned I/O: fd_pread reads at an offset without moving the file
 * offset, fd_pwrite writes at an offset without moving it either, pread past
 * the end gives 0 bytes, and the file holds what pwrite put there. */
#include "../check.h"

int main(void) {
    __wasi_fd_t dir = preopen_fd(), fd;
    __wasi_filesize_t pos;
    __wasi_size_t n;
    char buf[64] = {0};
    put_file(dir, "p.txt", "abcdefghijklmnop");
    ok(open_at(dir, "p.txt", 0, 0, &fd), "open p.txt");
    ok(__wasi_fd_seek(fd, 3, __WASI_WHENCE_SET, &pos), "fd_seek 3");
    __wasi_iovec_t iov = {(uint8_t *)buf, 4};
    ok(__wasi_fd_pread(fd, &iov, 1, 10, &n), "fd_pread at 10");
    buf[n] = 0;
    expect_str("fd_pread(4 bytes at 10)", buf, "klmn");
    ok(__wasi_fd_tell(fd, &pos), "fd_tell");
    expect_u64("offset after fd_pread", pos, 3);
    puts("fd_pread at 10: klmn, offset still 3");
    ok(__wasi_fd_pread(fd, &iov, 1, 100, &n), "fd_pread past end");
    expect_u64("fd_pread past end", n, 0);
    puts("fd_pread past end: 0 bytes");
    __wasi_ciovec_t ciov = {(const uint8_t *)"XYZ", 3};
    ok(__wasi_fd_pwrite(fd, &ciov, 1, 5, &n), "fd_pwrite at 5");
    expect_u64("fd_pwrite bytes", n, 3);
    ok(__wasi_fd_tell(fd, &pos), "fd_tell");
    expect_u64("offset after fd_pwrite", pos, 3);
    puts("fd_pwrite at 5: 3 bytes, offset still 3");
    ok(read_str(fd, buf, 5, &n), "fd_read at offset 3");
    expect_str("fd_read at offset 3", buf, "deXY");
    puts("fd_read from offset 3: deXY");
    ok(__wasi_fd_close(fd), "fd_close");
    expect_str("file after fd_pwrite", must_read(dir, "p.txt"), "abcdeXYZijklmnop");
    puts("file: abcdeXYZijklmnop");
    return 0;
}
