/* fd_renumber(from, to) moves an open file onto another open descriptor
 * number: `to` now reads the file `from` had (at the same offset), `from` is
 * closed (EBADF), and renumbering from a closed fd is EBADF. */
#include "../check.h"

int main(void) {
    __wasi_fd_t dir = preopen_fd(), a, b;
    __wasi_size_t n;
    __wasi_filesize_t pos;
    char buf[32];
    put_file(dir, "a.txt", "from-a");
    put_file(dir, "b.txt", "from-b");
    ok(open_at(dir, "a.txt", 0, 0, &a), "open a.txt");
    ok(open_at(dir, "b.txt", 0, 0, &b), "open b.txt");
    ok(__wasi_fd_seek(a, 5, __WASI_WHENCE_SET, &pos), "fd_seek a.txt 5");
    ok(__wasi_fd_renumber(a, b), "fd_renumber");
    puts("fd_renumber: ok");
    ok(read_str(b, buf, sizeof buf, &n), "fd_read renumbered fd");
    expect_str("renumbered fd reads", buf, "a");
    puts("target fd: reads a.txt at its offset");
    ERR_IN(read_str(a, buf, sizeof buf, &n), "fd_read on the old number", __WASI_ERRNO_BADF);
    puts("old fd: EBADF");
    ERR_IN(__wasi_fd_renumber(a, b), "fd_renumber from a closed fd", __WASI_ERRNO_BADF);
    puts("fd_renumber from a closed fd: EBADF");
    ok(__wasi_fd_close(b), "fd_close");
    return 0;
}
