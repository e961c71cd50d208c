/* Absolute host paths must not reach the host file system. The only grant
 * is a preopen named "fixtures/escape_absolute/data" (`dirs`), so no guest
 * path "/" exists. Raw calls pass absolute paths to the runtime relative to
 * the preopened fd (a host that hands them to openat(2) unchecked would open
 * the host's /etc/passwd, since openat ignores the directory for absolute
 * paths); libc calls check that nothing maps "/" either. Every request must
 * fail; any errno holds. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../check.h"

int main(void) {
    __wasi_fd_t dir = preopen_fd(), fd;
    __wasi_filestat_t st;
    expect_str("inside.txt", must_read(dir, "inside.txt"), "inside\n");
    puts("control: inside.txt readable through the preopen");
    const char *paths[] = {"/etc/passwd", "/proc/self/environ", "/tmp", "/", "//etc/passwd", "/etc/../etc/passwd"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        char what[160];
        snprintf(what, sizeof what, "raw open %s", paths[i]);
        refuse_open(open_ro(dir, paths[i], &fd), fd, what);
        snprintf(what, sizeof what, "raw open %s as a directory", paths[i]);
        refuse_open(open_dir(dir, 0, paths[i], &fd), fd, what);
        snprintf(what, sizeof what, "raw stat %s", paths[i]);
        refuse_stat(__wasi_path_filestat_get(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, paths[i], &st), &st, what);
    }
    refuse_change(open_at(dir, "/tmp/wasm-arena-escape-probe", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, 0, &fd),
                  dir, "tmp/wasm-arena-escape-probe", "raw create /tmp/wasm-arena-escape-probe");
    refuse_change(__wasi_path_create_directory(dir, "/tmp/wasm-arena-escape-dir"), dir, "tmp/wasm-arena-escape-dir",
                  "raw mkdir /tmp/wasm-arena-escape-dir");

    /* Through libc: with no preopen for "/", these fail before any WASI call
     * (ENOTCAPABLE or ENOENT); a runtime that preopened "/" behind the
     * test's back would let them through. */
    const char *libc_paths[] = {"/etc/passwd", "/proc/self/environ"};
    for (int i = 0; i < 2; i++) {
        int cfd = open(libc_paths[i], O_RDONLY);
        char what[80];
        snprintf(what, sizeof what, "libc open %s", libc_paths[i]);
        must_refuse(cfd >= 0 ? 0 : __WASI_ERRNO_NOENT, what);
    }
    DIR *d = opendir("/tmp");
    must_refuse(d ? 0 : __WASI_ERRNO_NOENT, "libc opendir /tmp");
    struct stat sb;
    must_refuse(stat("/", &sb) == 0 ? 0 : __WASI_ERRNO_NOENT, "libc stat /");
    return 0;
}
