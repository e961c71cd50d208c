/* Several preopens in the older wasi-testsuite form (`dirs`): each is listed
 * by fd_prestat_get with its own name, each fd reaches its own directory's
 * files, and wasi-libc resolves a relative path by the longest matching
 * preopen name. Names are printed sorted (fd order is the host's). */
#include <fcntl.h>
#include <unistd.h>
#include "../check.h"

static int by_str(const void *a, const void *b) { return strcmp(a, b); }

int main(void) {
    char names[8][64];
    __wasi_fd_t fds[8];
    int n = 0;
    for (__wasi_fd_t fd = 3;; fd++) {
        __wasi_prestat_t ps;
        __wasi_errno_t e = __wasi_fd_prestat_get(fd, &ps);
        if (e == __WASI_ERRNO_BADF) break;
        ok(e, "fd_prestat_get");
        if (n == 8 || ps.u.dir.pr_name_len >= 64) fail("preopens: too many or too long (expected two short ones)");
        memset(names[n], 0, 64);
        ok(__wasi_fd_prestat_dir_name(fd, (uint8_t *)names[n], ps.u.dir.pr_name_len), "fd_prestat_dir_name");
        fds[n++] = fd;
    }
    expect_u64("preopen count", n, 2);
    for (int i = 0; i < n; i++) {
        /* The file each directory holds is named after its last path part. */
        const char *last = strrchr(names[i], '/') ? strrchr(names[i], '/') + 1 : names[i];
        char file[80], want[80];
        snprintf(file, sizeof file, "%s.txt", last);
        snprintf(want, sizeof want, "in %s\n", last);
        expect_str(names[i], must_read(fds[i], file), want);
    }
    qsort(names, n, sizeof names[0], by_str);
    for (int i = 0; i < n; i++) printf("preopen: %s\n", names[i]);
    puts("each preopen fd reaches its own files");
    char buf[32] = {0};
    int fd = open("fixtures/prestat/two/two.txt", O_RDONLY);
    if (fd < 0 || read(fd, buf, sizeof buf - 1) < 0) fail("libc open fixtures/prestat/two/two.txt: errno %d", errno);
    close(fd);
    expect_str("libc read", buf, "in two\n");
    puts("libc open by preopen name: ok");
    return 0;
}
