/* The APPEND fdflag on path_open: every write lands at the end of the file,
 * even after seeking back to the start, while reads still follow the
 * offset. */
#include "../check.h"

int main(void) {
    __wasi_fd_t dir = preopen_fd(), fd;
    __wasi_size_t n;
    __wasi_filesize_t pos;
    char buf[32];
    put_file(dir, "log.txt", "one\n");
    ok(open_at(dir, "log.txt", 0, __WASI_FDFLAGS_APPEND, &fd), "open with APPEND");
    ok(write_str(fd, "two\n", &n), "fd_write");
    ok(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos), "fd_seek 0");
    ok(read_str(fd, buf, 5, &n), "fd_read at 0");
    expect_str("read at offset 0", buf, "one\n");
    ok(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos), "fd_seek 0");
    ok(write_str(fd, "three\n", &n), "fd_write after seek 0");
    ok(__wasi_fd_close(fd), "fd_close");
    expect_str("log.txt", must_read(dir, "log.txt"), "one\ntwo\nthree\n");
    puts("APPEND: writes after seek(0) still land at the end");
    puts("reads follow the offset");
    return 0;
}
