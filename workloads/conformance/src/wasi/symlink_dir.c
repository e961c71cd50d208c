/* Symlinks committed in the fixture, all relative and inside the root: a
 * link to a directory can be walked through ("dirlink/inner.txt") and listed,
 * a link inside a subdirectory may use ".." while it stays inside
 * ("sub/up" -> "../data.txt"), a chain of links resolves, a dangling link
 * opens as ENOENT but stats (no follow) as a symlink, and a loop of links is
 * ELOOP. stat through a directory link says directory, lstat says link. */
#include "../check.h"

int main(void) {
    __wasi_fd_t dir = preopen_fd(), fd;
    __wasi_filestat_t st;
    expect_str("dirlink/inner.txt", must_read(dir, "dirlink/inner.txt"), "inner\n");
    puts("dirlink/inner.txt: inner");
    ok(__wasi_path_filestat_get(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "dirlink", &st), "stat dirlink");
    if (st.filetype != __WASI_FILETYPE_DIRECTORY) fail("stat dirlink: %s (expected directory)", type_name(st.filetype));
    ok(__wasi_path_filestat_get(dir, 0, "dirlink", &st), "lstat dirlink");
    if (st.filetype != __WASI_FILETYPE_SYMBOLIC_LINK) fail("lstat dirlink: %s (expected symbolic_link)", type_name(st.filetype));
    puts("dirlink: stat directory, lstat symbolic_link");
    ok(open_dir(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "dirlink", &fd), "open dirlink as a directory");
    struct entry e[8];
    int calls, n = read_dir(fd, 4096, 0, e, 8, &calls);
    qsort(e, n, sizeof e[0], by_entry_name);
    printf("readdir through dirlink:");
    for (int i = 0; i < n; i++) printf(" %s", e[i].name);
    puts("");
    ok(__wasi_fd_close(fd), "fd_close");
    expect_str("sub/up", must_read(dir, "sub/up"), "data\n");
    puts("sub/up -> ../data.txt: data");
    expect_str("chain", must_read(dir, "chain"), "inner\n");
    puts("chain -> dirlink/inner.txt: inner");
    __wasi_errno_t err;
    if (get_file(dir, "dangling", &err)) fail("open dangling: opened (expected ENOENT)");
    ERR_IN(err, "open dangling", __WASI_ERRNO_NOENT);
    ok(__wasi_path_filestat_get(dir, 0, "dangling", &st), "lstat dangling");
    if (st.filetype != __WASI_FILETYPE_SYMBOLIC_LINK) fail("lstat dangling: %s (expected symbolic_link)", type_name(st.filetype));
    puts("dangling: open ENOENT, lstat symbolic_link");
    if (get_file(dir, "loop1", &err)) fail("open loop1: opened (expected ELOOP)");
    ERR_IN(err, "open loop1", __WASI_ERRNO_LOOP);
    puts("loop1 <-> loop2: ELOOP");
    return 0;
}
