/* fd_fdstat_set_flags turns APPEND on and off on an open file: with it,
 * writes after seeking to 0 land at the end and fd_fdstat_get shows the
 * flag; without it, writes land at the offset again. */
#include "../check.h"

int main(void) {
    __wasi_fd_t dir = preopen_fd(), fd;
    __wasi_fdstat_t st;
    __wasi_filesize_t pos;
    __wasi_size_t n;
    put_file(dir, "f.txt", "abc");
    ok(open_at(dir, "f.txt", 0, 0, &fd), "open f.txt");
    ok(__wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND), "fd_fdstat_set_flags APPEND");
    ok(__wasi_fd_fdstat_get(fd, &st), "fd_fdstat_get");
    if (!(st.fs_flags & __WASI_FDFLAGS_APPEND)) fail("fdflags after setting APPEND: %u (expected APPEND)", st.fs_flags);
    puts("set APPEND: fd_fdstat_get shows it");
    ok(write_str(fd, "def", &n), "fd_write with APPEND");
    expect_str("after an APPEND write at offset 0", must_read(dir, "f.txt"), "abcdef");
    puts("write at offset 0 with APPEND: abcdef");
    ok(__wasi_fd_fdstat_set_flags(fd, 0), "fd_fdstat_set_flags 0");
    ok(__wasi_fd_fdstat_get(fd, &st), "fd_fdstat_get");
    if (st.fs_flags & __WASI_FDFLAGS_APPEND) fail("fdflags after clearing: APPEND still set (expected cleared)");
    ok(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos), "fd_seek 0");
    ok(write_str(fd, "X", &n), "fd_write without APPEND");
    ok(__wasi_fd_close(fd), "fd_close");
    expect_str("after clearing APPEND and writing at 0", must_read(dir, "f.txt"), "Xbcdef");
    puts("cleared APPEND: write at offset 0 gives Xbcdef");
    return 0;
}
