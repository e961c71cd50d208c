/* fd_seek and fd_tell on a regular file: SEEK_SET/SEEK_CUR/SEEK_END give the
 * right new offsets, fd_tell agrees, a seek before the start is EINVAL and
 * leaves the offset alone, and a seek past the end followed by a write
 * leaves a hole that reads back as zero bytes. */
#include "../check.h"

static uint64_t seek(__wasi_fd_t fd, int64_t off, __wasi_whence_t wh, const char *what) {
    __wasi_filesize_t pos;
    ok(__wasi_fd_seek(fd, off, wh, &pos), what);
    return pos;
}

int main(void) {
    __wasi_fd_t dir = preopen_fd(), fd;
    __wasi_filesize_t pos;
    __wasi_size_t n;
    char buf[64];
    put_file(dir, "seek.txt", "hello world");
    ok(open_at(dir, "seek.txt", 0, 0, &fd), "open seek.txt");
    expect_u64("fd_seek(0, END)", seek(fd, 0, __WASI_WHENCE_END, "fd_seek END"), 11);
    puts("fd_seek: end offset 11");
    expect_u64("fd_seek(-5, END)", seek(fd, -5, __WASI_WHENCE_END, "fd_seek END -5"), 6);
    ok(read_str(fd, buf, sizeof buf, &n), "fd_read after SEEK_END");
    expect_str("read after seek(-5, END)", buf, "world");
    puts("fd_seek(-5, END) then read: world");
    expect_u64("fd_seek(2, SET)", seek(fd, 2, __WASI_WHENCE_SET, "fd_seek SET"), 2);
    expect_u64("fd_seek(3, CUR)", seek(fd, 3, __WASI_WHENCE_CUR, "fd_seek CUR"), 5);
    expect_u64("fd_seek(-1, CUR)", seek(fd, -1, __WASI_WHENCE_CUR, "fd_seek CUR -1"), 4);
    ok(__wasi_fd_tell(fd, &pos), "fd_tell");
    expect_u64("fd_tell", pos, 4);
    puts("fd_seek SET/CUR: offsets 2, 5, 4; fd_tell 4");
    expect_u64("fd_seek(0, CUR)", seek(fd, 0, __WASI_WHENCE_CUR, "fd_seek CUR 0"), 4);
    ERR_IN(__wasi_fd_seek(fd, -100, __WASI_WHENCE_CUR, &pos), "fd_seek before the start",
           __WASI_ERRNO_INVAL);
    ok(__wasi_fd_tell(fd, &pos), "fd_tell after a failed seek");
    expect_u64("fd_tell after a failed seek", pos, 4);
    puts("fd_seek before the start: EINVAL, offset unchanged");
    expect_u64("fd_seek(20, SET)", seek(fd, 20, __WASI_WHENCE_SET, "fd_seek past end"), 20);
    ok(write_str(fd, "X", &n), "fd_write past the end");
    expect_u64("fd_seek(0, END) after writing past the end", seek(fd, 0, __WASI_WHENCE_END, "fd_seek END"), 21);
    seek(fd, 0, __WASI_WHENCE_SET, "fd_seek SET 0");
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
    ok(__wasi_fd_read(fd, &iov, 1, &n), "fd_read whole file");
    expect_u64("file size after writing at 20", n, 21);
    for (int i = 11; i < 20; i++)
        if (buf[i] != 0) fail("hole byte %d: %d (expected 0)", i, buf[i]);
    if (memcmp(buf, "hello world", 11) || buf[20] != 'X') fail("content around the hole: changed (expected kept)");
    puts("seek past end + write: size 21, hole reads as zeros");
    ok(__wasi_fd_close(fd), "fd_close");
    return 0;
}
