/* O_TRUNC empties an existing file when it is opened (size 0, old bytes
 * gone), and with O_CREAT on a missing file it simply creates it. */
#include "../check.h"

int main(void) {
    __wasi_fd_t dir = preopen_fd(), fd;
    __wasi_filestat_t st;
    __wasi_size_t n;
    put_file(dir, "t.txt", "some old content");
    ok(open_at(dir, "t.txt", __WASI_OFLAGS_TRUNC, 0, &fd), "open with O_TRUNC");
    ok(__wasi_fd_filestat_get(fd, &st), "fd_filestat_get");
    expect_u64("size after O_TRUNC", st.size, 0);
    ok(write_str(fd, "new", &n), "fd_write");
    ok(__wasi_fd_close(fd), "fd_close");
    expect_str("t.txt after O_TRUNC and a write", must_read(dir, "t.txt"), "new");
    puts("O_TRUNC: size 0, then holds only the new bytes");
    ok(open_at(dir, "u.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, 0, &fd), "O_CREAT|O_TRUNC new");
    ok(__wasi_fd_filestat_get(fd, &st), "fd_filestat_get");
    expect_u64("size of a new file", st.size, 0);
    ok(__wasi_fd_close(fd), "fd_close");
    puts("O_CREAT|O_TRUNC on a missing file: created empty");
    return 0;
}
