/* fd_filestat_set_size (ftruncate): growing pads with zero bytes, shrinking
 * cuts the content, the file offset is not moved by either, and libc's
 * ftruncate/truncate agree. */
#include <fcntl.h>
#include <unistd.h>
#include "../check.h"

int main(void) {
    __wasi_fd_t dir = preopen_fd(), fd;
    __wasi_filestat_t st;
    __wasi_filesize_t pos;
    put_file(dir, "s.txt", "0123456789");
    ok(open_at(dir, "s.txt", 0, 0, &fd), "open s.txt");
    ok(__wasi_fd_seek(fd, 4, __WASI_WHENCE_SET, &pos), "fd_seek 4");
    ok(__wasi_fd_filestat_set_size(fd, 100), "fd_filestat_set_size 100");
    ok(__wasi_fd_filestat_get(fd, &st), "fd_filestat_get");
    expect_u64("size after growing", st.size, 100);
    uint8_t buf[128];
    __wasi_iovec_t iov = {buf, sizeof buf};
    __wasi_size_t n;
    ok(__wasi_fd_pread(fd, &iov, 1, 0, &n), "fd_pread");
    expect_u64("bytes read after growing", n, 100);
    if (memcmp(buf, "0123456789", 10)) fail("first 10 bytes after growing: changed (expected kept)");
    for (int i = 10; i < 100; i++)
        if (buf[i]) fail("byte %d after growing: %d (expected 0)", i, buf[i]);
    puts("set_size 100: grew, padded with zeros");
    ok(__wasi_fd_filestat_set_size(fd, 3), "fd_filestat_set_size 3");
    ok(__wasi_fd_filestat_get(fd, &st), "fd_filestat_get");
    expect_u64("size after shrinking", st.size, 3);
    ok(__wasi_fd_tell(fd, &pos), "fd_tell");
    expect_u64("offset after both resizes", pos, 4);
    puts("set_size 3: shrank; offset unmoved");
    ok(__wasi_fd_close(fd), "fd_close");
    expect_str("s.txt", must_read(dir, "s.txt"), "012");
    puts("content: 012");

    int cfd = open("/s.txt", O_RDWR);
    if (cfd < 0) fail("open /s.txt: errno %d", errno);
    if (ftruncate(cfd, 1)) fail("ftruncate(1): errno %d (expected success)", errno);
    close(cfd);
    if (truncate("/s.txt", 2)) fail("truncate(2): errno %d (expected success)", errno);
    ok(__wasi_path_filestat_get(dir, 0, "s.txt", &st), "path_filestat_get");
    expect_u64("size after ftruncate(1) then truncate(2)", st.size, 2);
    puts("libc ftruncate, truncate: ok");
    return 0;
}
