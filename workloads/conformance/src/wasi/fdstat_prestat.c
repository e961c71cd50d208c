/* The preopen as the guest discovers it: fd_prestat_get on the first fd
 * after stdio is a directory preopen whose name has the length that
 * fd_prestat_dir_name then fills with "/" (the test's `root`); the next fd
 * is EBADF, which is how wasi-libc knows the list ended; and the preopen's
 * fd_fdstat_get says directory. */
#include "../check.h"

int main(void) {
    __wasi_fd_t fd = preopen_fd();
    __wasi_prestat_t ps;
    ok(__wasi_fd_prestat_get(fd, &ps), "fd_prestat_get");
    if (ps.tag != __WASI_PREOPENTYPE_DIR) fail("fd_prestat_get tag: %u (expected dir)", ps.tag);
    expect_u64("fd_prestat_get name length", ps.u.dir.pr_name_len, 1);
    char name[16] = {0};
    ok(__wasi_fd_prestat_dir_name(fd, (uint8_t *)name, ps.u.dir.pr_name_len), "fd_prestat_dir_name");
    expect_str("fd_prestat_dir_name", name, "/");
    puts("preopen: a directory named / (length 1)");
    ERR_IN(__wasi_fd_prestat_get(fd + 1, &ps), "fd_prestat_get after the last preopen", __WASI_ERRNO_BADF);
    puts("next fd: EBADF");
    __wasi_fdstat_t st;
    ok(__wasi_fd_fdstat_get(fd, &st), "fd_fdstat_get on the preopen");
    if (st.fs_filetype != __WASI_FILETYPE_DIRECTORY) fail("preopen fdstat: %s (expected directory)", type_name(st.fs_filetype));
    puts("preopen fdstat: directory");
    return 0;
}
