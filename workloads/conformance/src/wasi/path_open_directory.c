/* O_DIRECTORY: on a directory it opens it (fd_fdstat_get says directory), on
 * a regular file it is ENOTDIR, and a path that goes through a file as if it
 * were a directory ("hello.txt/x") is ENOTDIR too. Opening a directory for
 * writing is refused with EISDIR (POSIX), or ENOTCAPABLE from a host that
 * checks the rights first. */
#include "../check.h"

int main(void) {
    __wasi_fd_t dir = preopen_fd(), fd;
    __wasi_fdstat_t st;
    ok(__wasi_path_create_directory(dir, "d"), "path_create_directory d");
    ok(open_dir(dir, 0, "d", &fd), "O_DIRECTORY on a directory");
    ok(__wasi_fd_fdstat_get(fd, &st), "fd_fdstat_get");
    if (st.fs_filetype != __WASI_FILETYPE_DIRECTORY)
        fail("filetype of an O_DIRECTORY open: %s (expected directory)", type_name(st.fs_filetype));
    ok(__wasi_fd_close(fd), "fd_close");
    puts("O_DIRECTORY on a directory: opened as directory");
    ERR_IN(open_dir(dir, 0, "hello.txt", &fd),
           "O_DIRECTORY on a file", __WASI_ERRNO_NOTDIR);
    puts("O_DIRECTORY on a file: ENOTDIR");
    ERR_IN(open_ro(dir, "hello.txt/x", &fd), "a file used as a directory",
           __WASI_ERRNO_NOTDIR);
    puts("file used as a path component: ENOTDIR");
    ERR_IN(__wasi_path_open(dir, 0, "d", 0, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd),
           "a directory opened for writing", __WASI_ERRNO_ISDIR, __WASI_ERRNO_NOTCAPABLE);
    puts("directory opened for writing: refused");
    return 0;
}
