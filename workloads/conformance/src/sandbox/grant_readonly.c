/* A read-only grant (`read_only`): reading files and listing the directory
 * work, but nothing can change it: creating a file, opening one for
 * writing and writing, truncating, resizing, setting times, renaming,
 * unlinking, making a directory, a symlink or a hard link must all fail, and
 * afterwards the file is unchanged and nothing new exists. A write that
 * succeeds is a broken grant (ESCAPED). Any errno holds. */
#include "../check.h"

int main(void) {
    __wasi_fd_t root = preopen_fd(), fd;
    __wasi_filestat_t st;
    __wasi_size_t n;
    __wasi_errno_t e;
    expect_str("data.txt", must_read(root, "data.txt"), "read-only data\n");
    puts("read data.txt: ok");
    struct entry ents[8];
    int calls, count = read_dir(root, 4096, 0, ents, 8, &calls);
    expect_u64("entries in the root", count, 2);
    puts("list the root: ok");

    must_refuse(open_at(root, "new.txt", __WASI_OFLAGS_CREAT, 0, &fd), "create new.txt");
    e = open_at(root, "data.txt", 0, 0, &fd);
    if (e == 0) {
        /* Opening with write rights may be allowed; writing through it must not be. */
        if (write_str(fd, "overwritten", &n) == 0 && n > 0) escaped("write to data.txt: succeeded");
        if (__wasi_fd_filestat_set_size(fd, 0) == 0) escaped("fd_filestat_set_size data.txt: succeeded");
        if (__wasi_fd_filestat_set_times(fd, 0, 1000000000ull, __WASI_FSTFLAGS_MTIM) == 0)
            escaped("fd_filestat_set_times data.txt: succeeded");
        (void)__wasi_fd_close(fd);
    }
    puts("open data.txt for writing and write, resize, set times: refused");
    /* These opens may succeed on a host that only checks the writes
     * themselves; what must not happen is the file changing. */
    if (open_at(root, "data.txt", __WASI_OFLAGS_TRUNC, 0, &fd) == 0) {
        if (strcmp(must_read(root, "data.txt"), "read-only data\n")) escaped("open data.txt with O_TRUNC: truncated it");
        (void)__wasi_fd_close(fd);
    }
    puts("open data.txt with O_TRUNC: refused");
    if (open_at(root, "data.txt", 0, __WASI_FDFLAGS_APPEND, &fd) == 0) {
        if (write_str(fd, "appended", &n) == 0 && n > 0) escaped("append to data.txt: succeeded");
        (void)__wasi_fd_close(fd);
    }
    puts("open data.txt with APPEND and write: refused");
    must_refuse(__wasi_path_filestat_set_times(root, 0, "data.txt", 0, 1000000000ull, __WASI_FSTFLAGS_MTIM),
                "path_filestat_set_times data.txt");
    must_refuse(__wasi_path_rename(root, "data.txt", root, "moved.txt"), "rename data.txt");
    must_refuse(__wasi_path_unlink_file(root, "data.txt"), "unlink data.txt");
    must_refuse(__wasi_path_unlink_file(root, "sub/inner.txt"), "unlink sub/inner.txt");
    must_refuse(__wasi_path_create_directory(root, "newdir"), "mkdir newdir");
    must_refuse(__wasi_path_symlink("data.txt", root, "link"), "symlink link");
    must_refuse(__wasi_path_link(root, 0, "data.txt", root, "hard"), "link hard");

    expect_str("data.txt afterwards", must_read(root, "data.txt"), "read-only data\n");
    ok(__wasi_path_filestat_get(root, 0, "data.txt", &st), "stat data.txt");
    if (st.mtim == 1000000000ull) escaped("data.txt mtime: changed");
    const char *never[] = {"new.txt", "moved.txt", "newdir", "link", "hard"};
    for (int i = 0; i < 5; i++)
        if (__wasi_path_filestat_get(root, 0, never[i], &st) == 0) escaped("%s: exists afterwards", never[i]);
    puts("afterwards: data.txt unchanged, nothing new");
    return 0;
}
