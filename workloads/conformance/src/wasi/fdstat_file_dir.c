/* fd_fdstat_get reports what a descriptor is: a file opened plainly is a
 * regular_file with no fdflags, one opened with APPEND shows APPEND, a
 * directory and the preopen are directories, and the rights reported include
 * the ones asked for (FD_READ for a read-only open, FD_WRITE for a write
 * open). */
#include "../check.h"

static __wasi_fdstat_t stat_fd(__wasi_fd_t fd) {
    __wasi_fdstat_t st;
    ok(__wasi_fd_fdstat_get(fd, &st), "fd_fdstat_get");
    return st;
}

int main(void) {
    __wasi_fd_t dir = preopen_fd(), fd;
    __wasi_fdstat_t st = stat_fd(dir);
    if (st.fs_filetype != __WASI_FILETYPE_DIRECTORY) fail("preopen: %s (expected directory)", type_name(st.fs_filetype));
    puts("preopen: directory");

    ok(__wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "hello.txt", 0,
                        __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK, 0, 0, &fd), "open hello.txt for reading");
    st = stat_fd(fd);
    if (st.fs_filetype != __WASI_FILETYPE_REGULAR_FILE) fail("file: %s (expected regular_file)", type_name(st.fs_filetype));
    expect_u64("fdflags of a plain open", st.fs_flags, 0);
    if (!(st.fs_rights_base & __WASI_RIGHTS_FD_READ)) fail("rights of a read open: no FD_READ (expected it)");
    ok(__wasi_fd_close(fd), "fd_close");
    puts("file opened for reading: regular_file, no flags, FD_READ");

    ok(open_at(dir, "w.txt", __WASI_OFLAGS_CREAT, __WASI_FDFLAGS_APPEND, &fd), "open w.txt with APPEND");
    st = stat_fd(fd);
    if (!(st.fs_flags & __WASI_FDFLAGS_APPEND)) fail("fdflags of an APPEND open: %u (expected APPEND)", st.fs_flags);
    if (!(st.fs_rights_base & __WASI_RIGHTS_FD_WRITE)) fail("rights of a write open: no FD_WRITE (expected it)");
    ok(__wasi_fd_close(fd), "fd_close");
    puts("file opened with APPEND: APPEND flag, FD_WRITE");

    ok(__wasi_path_create_directory(dir, "sub"), "mkdir sub");
    ok(open_dir(dir, 0, "sub", &fd), "open sub");
    st = stat_fd(fd);
    if (st.fs_filetype != __WASI_FILETYPE_DIRECTORY) fail("sub: %s (expected directory)", type_name(st.fs_filetype));
    ok(__wasi_fd_close(fd), "fd_close");
    puts("opened subdirectory: directory");
    return 0;
}
