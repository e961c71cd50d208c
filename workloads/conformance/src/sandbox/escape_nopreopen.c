/* With no `root` and no `dirs` the guest has no file system at all: there is
 * no preopen (fd_prestat_get(3) is EBADF), no descriptor beyond stdio is open
 * (fd_fdstat_get on 3..1023 is EBADF: no host descriptor leaked in), path
 * calls on fds 3 and 4 are EBADF, path calls on the stdio fds (not
 * directories) fail, and libc cannot open /etc/passwd. */
#include <fcntl.h>
#include <unistd.h>
#include "../check.h"

int main(void) {
    __wasi_prestat_t ps;
    __wasi_fdstat_t st;
    __wasi_fd_t fd;
    ERR_IN(__wasi_fd_prestat_get(3, &ps), "fd_prestat_get(3)", __WASI_ERRNO_BADF);
    puts("fd_prestat_get(3): EBADF, no preopen");
    for (__wasi_fd_t f = 3; f < 1024; f++)
        if (__wasi_fd_fdstat_get(f, &st) == 0) escaped("fd %u: open (expected no descriptor beyond stdio)", (unsigned)f);
    puts("fds 3..1023: none open");
    for (__wasi_fd_t f = 3; f <= 4; f++) {
        char what[64];
        __wasi_errno_t e = __wasi_path_open(f, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "etc/passwd", 0,
                                            __WASI_RIGHTS_FD_READ, 0, 0, &fd);
        snprintf(what, sizeof what, "path_open on fd %u", (unsigned)f);
        if (e == 0) escaped("%s: succeeded", what);
        ERR_IN(e, what, __WASI_ERRNO_BADF);
        printf("%s: EBADF\n", what);
    }
    for (__wasi_fd_t f = 0; f < 3; f++) {
        char what[64];
        snprintf(what, sizeof what, "path_open etc/passwd on stdio fd %u", (unsigned)f);
        must_refuse(__wasi_path_open(f, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "etc/passwd", 0, __WASI_RIGHTS_FD_READ, 0,
                                     0, &fd), what);
        snprintf(what, sizeof what, "path_open /etc/passwd on stdio fd %u", (unsigned)f);
        must_refuse(__wasi_path_open(f, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "/etc/passwd", 0, __WASI_RIGHTS_FD_READ, 0,
                                     0, &fd), what);
    }
    int cfd = open("/etc/passwd", O_RDONLY);
    if (cfd >= 0) escaped("libc open /etc/passwd: succeeded");
    if (errno != ENOTCAPABLE && errno != ENOENT) fail("libc open /etc/passwd: errno %d (expected ENOTCAPABLE or ENOENT)", errno);
    puts("libc open /etc/passwd: refused");
    return 0;
}
