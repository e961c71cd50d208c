/* The guest gets exactly the directories it was granted: with a `root`
 * there is one preopen, named "/", and no other descriptor beyond it is open
 * (fd_prestat_get and fd_fdstat_get on every later fd up to 1023 are
 * EBADF), so no host directory or file leaked in. A wrong name or a preopen
 * the runtime adds of its own is a FAIL; any other open descriptor, which
 * could be a host file, is an escape. */
#include "../check.h"

int main(void) {
    __wasi_fd_t root = preopen_fd();
    __wasi_prestat_t ps;
    __wasi_fdstat_t st;
    char name[8] = {0};
    ok(__wasi_fd_prestat_get(root, &ps), "fd_prestat_get");
    if (ps.u.dir.pr_name_len != 1) fail("preopen name length %u (expected 1, \"/\")", (unsigned)ps.u.dir.pr_name_len);
    ok(__wasi_fd_prestat_dir_name(root, (uint8_t *)name, 1), "fd_prestat_dir_name");
    expect_str("preopen name", name, "/");
    puts("preopen: one, named /");
    for (__wasi_fd_t fd = 3; fd < 1024; fd++) {
        if (fd == root) continue;
        if (__wasi_fd_prestat_get(fd, &ps) == 0) fail("fd %u: another preopen (expected only the root)", (unsigned)fd);
        if (__wasi_fd_fdstat_get(fd, &st) == 0) escaped("fd %u: open (expected no other descriptor)", (unsigned)fd);
    }
    puts("fds 3..1023 besides the root: none open");
    return 0;
}
