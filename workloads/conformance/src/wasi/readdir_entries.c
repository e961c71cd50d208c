/* fd_readdir lists every entry of a directory with its name and type: files,
 * a subdirectory, a symlink (listed as a symlink, not followed), a name with
 * a space and a UTF-8 name. Printed sorted, since the order is the host
 * file system's. A directory just made lists nothing. */
#include "../check.h"

int main(void) {
    __wasi_fd_t root = preopen_fd(), fd;
    struct entry e[32];
    int calls;
    ok(open_dir(root, 0, "tree", &fd), "open tree as a directory");
    int n = read_dir(fd, 4096, 0, e, 32, &calls);
    qsort(e, n, sizeof e[0], by_entry_name);
    printf("tree: %d entries\n", n);
    for (int i = 0; i < n; i++) printf("  %s %s\n", e[i].name, type_name(e[i].type));
    ok(__wasi_fd_close(fd), "fd_close");

    ok(__wasi_path_create_directory(root, "empty"), "path_create_directory empty");
    ok(open_dir(root, 0, "empty", &fd), "open empty");
    n = read_dir(fd, 4096, 0, e, 32, &calls);
    printf("empty: %d entries\n", n);
    ok(__wasi_fd_close(fd), "fd_close");
    return 0;
}
