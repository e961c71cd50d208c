/* ".." must never leave the preopen. Each path below climbs above the root
 * (directly, after a real or a missing subdirectory, or many levels up) and
 * is tried with raw WASI calls on the preopened fd, so the runtime's own
 * path resolution is what is tested (wasi-libc would not send these
 * unchanged). Every call must fail; any errno holds. A call that succeeds
 * but lands inside the root (".." clamped at the root, as chroot does) is a
 * FAIL, not an escape. A readable file inside is the control that the
 * preopen works at all. */
#include "../check.h"

int main(void) {
    __wasi_fd_t root = preopen_fd(), fd;
    __wasi_filestat_t st;
    expect_str("inside.txt", must_read(root, "inside.txt"), "inside\n");
    puts("control: inside.txt readable");
    const char *paths[] = {
        "..", "../", "../etc/passwd", "sub/../..", "sub/../../etc/passwd", "a/../../x",
        "./../etc", "sub/./../../etc", "sub/..//../etc/passwd",
        "../../../../../../../../../../../../../../../../../../../../etc/passwd",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        char what[160];
        snprintf(what, sizeof what, "open %s", paths[i]);
        refuse_open(open_ro(root, paths[i], &fd), fd, what);
        snprintf(what, sizeof what, "open %s as a directory", paths[i]);
        refuse_open(open_dir(root, 0, paths[i], &fd), fd, what);
        snprintf(what, sizeof what, "stat %s", paths[i]);
        refuse_stat(__wasi_path_filestat_get(root, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, paths[i], &st), &st, what);
    }
    refuse_change(open_at(root, "../wasm-arena-escape-probe", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, 0, &fd),
                  root, "wasm-arena-escape-probe", "create ../wasm-arena-escape-probe");
    refuse_change(__wasi_path_create_directory(root, "../wasm-arena-escape-dir"), root, "wasm-arena-escape-dir",
                  "mkdir ../wasm-arena-escape-dir");
    refuse_change(__wasi_path_create_directory(root, "sub/../../wasm-arena-escape-dir"), root,
                  "wasm-arena-escape-dir", "mkdir sub/../../wasm-arena-escape-dir");
    return 0;
}
