/* The basic file round trip through libc (each call maps straight onto one
 * WASI call): write() reports every byte written, the offset can be moved
 * back with lseek, read() returns the same bytes and then 0 at end of file,
 * fd_sync and fd_datasync succeed on a written file, and an existing fixture
 * file reads back whole. */
#include <fcntl.h>
#include <unistd.h>
#include "../check.h"

int main(void) {
    char buf[64];
    int fd = open("/hello.txt", O_RDONLY);
    if (fd < 0) fail("open /hello.txt: errno %d (expected success)", errno);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    if (n < 0) fail("read /hello.txt: errno %d (expected success)", errno);
    buf[n] = 0;
    expect_str("read /hello.txt", buf, "hello, world\n");
    puts("read fixture: 13 bytes, content matches");
    if (read(fd, buf, sizeof buf) != 0) fail("read at end of file: data (expected 0 bytes)");
    puts("read at end of file: 0 bytes");
    close(fd);

    fd = open("/data.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
    if (fd < 0) fail("open /data.txt O_CREAT: errno %d (expected success)", errno);
    n = write(fd, "0123456789", 10);
    expect_u64("write 10 bytes", n, 10);
    n = write(fd, "abc", 3);
    expect_u64("write 3 more bytes", n, 3);
    puts("write: 13 bytes");
    ok(__wasi_fd_sync(fd), "fd_sync");
    ok(__wasi_fd_datasync(fd), "fd_datasync");
    puts("fd_sync, fd_datasync: ok");
    expect_u64("lseek(0, SEEK_SET)", lseek(fd, 0, SEEK_SET), 0);
    n = read(fd, buf, sizeof buf - 1);
    if (n < 0) fail("read back: errno %d (expected success)", errno);
    buf[n] = 0;
    expect_str("read back", buf, "0123456789abc");
    puts("read back: 0123456789abc");
    close(fd);
    return 0;
}
