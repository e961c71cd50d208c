/* fd_fdstat_get on the three standard streams succeeds and none of them is a
 * directory (a host may give a pipe, a character device or a file, so the
 * exact type is not checked), and they are not preopens: fd_prestat_get
 * fails with EBADF, or EINVAL (the spec names no errno for an open fd that
 * is not a preopen; uvwasi says EINVAL). */
#include "../check.h"

int main(void) {
    for (__wasi_fd_t fd = 0; fd < 3; fd++) {
        __wasi_fdstat_t st;
        __wasi_prestat_t ps;
        char what[64];
        snprintf(what, sizeof what, "fd_fdstat_get(%u)", (unsigned)fd);
        ok(__wasi_fd_fdstat_get(fd, &st), what);
        if (st.fs_filetype == __WASI_FILETYPE_DIRECTORY) fail("%s: directory (expected a stream)", what);
        snprintf(what, sizeof what, "fd_prestat_get(%u)", (unsigned)fd);
        ERR_IN(__wasi_fd_prestat_get(fd, &ps), what, __WASI_ERRNO_BADF, __WASI_ERRNO_INVAL);
        printf("fd %u: fdstat ok, not a directory, not a preopen\n", (unsigned)fd);
    }
    return 0;
}
