/* Scatter/gather: fd_write with several iovecs (one empty) writes them in
 * order, to a file and to stdout; fd_read with several iovecs fills them in
 * order. A host may write or read less than asked (POSIX short counts, and
 * some hosts only serve the first non-empty iovec), so each side loops over
 * what is left, the way a libc does: every call must make progress and the
 * bytes must land in iovec order. */
#include "../check.h"

/* Drops the first `n` bytes from an iovec list, in place. */
static size_t advance(__wasi_iovec_t *v, size_t cnt, size_t n) {
    size_t i = 0;
    while (i < cnt && n >= v[i].buf_len) n -= v[i++].buf_len;
    if (i < cnt) { v[i].buf += n; v[i].buf_len -= n; }
    memmove(v, v + i, (cnt - i) * sizeof *v);
    return cnt - i;
}

static size_t total_len(const __wasi_iovec_t *v, size_t cnt) {
    size_t t = 0;
    for (size_t i = 0; i < cnt; i++) t += v[i].buf_len;
    return t;
}

static size_t writev_all(__wasi_fd_t fd, __wasi_ciovec_t *v, size_t cnt, const char *what) {
    size_t done = 0;
    while (total_len((__wasi_iovec_t *)v, cnt) > 0) {
        __wasi_size_t n;
        ok(__wasi_fd_write(fd, v, cnt, &n), what);
        if (n == 0) fail("%s: wrote 0 bytes (expected progress)", what);
        done += n;
        cnt = advance((__wasi_iovec_t *)v, cnt, n);
    }
    return done;
}

static size_t readv_all(__wasi_fd_t fd, __wasi_iovec_t *v, size_t cnt, const char *what) {
    size_t done = 0;
    while (total_len(v, cnt) > 0) {
        __wasi_size_t n;
        ok(__wasi_fd_read(fd, v, cnt, &n), what);
        if (n == 0) break;
        done += n;
        cnt = advance(v, cnt, n);
    }
    return done;
}

int main(void) {
    __wasi_fd_t dir = preopen_fd(), fd;
    __wasi_filesize_t pos;
    fflush(stdout);
    __wasi_ciovec_t out[] = {{(const uint8_t *)"fd_write: ", 10}, {(const uint8_t *)"", 0},
                             {(const uint8_t *)"three ", 6}, {(const uint8_t *)"iovecs to stdout\n", 17}};
    expect_u64("fd_write to stdout bytes", writev_all(1, out, 4, "fd_write to stdout"), 33);

    ok(open_at(dir, "v.txt", __WASI_OFLAGS_CREAT, 0, &fd), "create v.txt");
    __wasi_ciovec_t w[] = {{(const uint8_t *)"alpha-", 6}, {(const uint8_t *)"", 0},
                           {(const uint8_t *)"beta-", 5}, {(const uint8_t *)"gamma", 5}};
    expect_u64("fd_write 4 iovecs bytes", writev_all(fd, w, 4, "fd_write 4 iovecs"), 16);
    puts("fd_write with 4 iovecs: 16 bytes");
    ok(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos), "fd_seek 0");
    char a[4] = {0}, b[1] = {0}, c[7] = {0}, d[16] = {0};
    __wasi_iovec_t r[] = {{(uint8_t *)a, 3}, {(uint8_t *)b, 0}, {(uint8_t *)c, 6}, {(uint8_t *)d, 15}};
    expect_u64("fd_read 4 iovecs bytes", readv_all(fd, r, 4, "fd_read 4 iovecs"), 16);
    expect_str("iovec 1", a, "alp");
    expect_str("iovec 3", c, "ha-bet");
    expect_str("iovec 4", d, "a-gamma");
    puts("fd_read with 4 iovecs: alp | | ha-bet | a-gamma");
    ok(__wasi_fd_close(fd), "fd_close");
    return 0;
}
