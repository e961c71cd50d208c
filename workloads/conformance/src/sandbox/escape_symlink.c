/* Symlinks must not lead out of the preopen. The fixture holds links that
 * point outside, relative ("up" -> 16 x "../" then "etc", "sub/deep" -> 16
 * levels up) and absolute ("abs" -> /etc, "absfile" -> /etc/passwd), plus
 * one to a missing file outside ("dangling_out"). Opening, listing or
 * stat-following through any of them must fail, creating a file through the
 * dangling one must fail, and links the guest makes itself with
 * path_symlink (to /etc and to ../../..) must not work either: the runtime
 * may refuse to create them, or create them and refuse to follow them. An
 * inside link ("ok" -> inside.txt) is the control. Any errno holds. */
#include "../check.h"

static void try_paths(__wasi_fd_t root, const char *const *paths, size_t n) {
    __wasi_fd_t fd;
    __wasi_filestat_t st;
    for (size_t i = 0; i < n; i++) {
        char what[160];
        snprintf(what, sizeof what, "open %s", paths[i]);
        refuse_open(open_ro(root, paths[i], &fd), fd, what);
        snprintf(what, sizeof what, "open %s as a directory", paths[i]);
        refuse_open(open_dir(root, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, paths[i], &fd), fd, what);
        snprintf(what, sizeof what, "stat (follow) %s", paths[i]);
        refuse_stat(__wasi_path_filestat_get(root, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, paths[i], &st), &st, what);
    }
}

int main(void) {
    __wasi_fd_t root = preopen_fd(), fd;
    expect_str("ok", must_read(root, "ok"), "inside\n");
    puts("control: link ok -> inside.txt readable");
    const char *fixture[] = {"up", "up/passwd", "abs", "abs/passwd", "upfile", "absfile", "sub/deep",
                             "sub/deep/etc/passwd"};
    try_paths(root, fixture, sizeof fixture / sizeof fixture[0]);
    refuse_change(open_at(root, "dangling_out", __WASI_OFLAGS_CREAT, 0, &fd), root, "tmp/wasm-arena-escape-probe",
                  "create through dangling_out");

    struct { const char *target, *name; } made[] = {
        {"/etc", "made_abs"},
        {"../../../../../../../../../../../../../../../../etc", "made_rel"},
        {"/etc/passwd", "made_absfile"},
    };
    for (int i = 0; i < 3; i++) {
        __wasi_errno_t e = __wasi_path_symlink(made[i].target, root, made[i].name);
        if (e) {
            /* Refusing to create it holds too; say so in the same words as following it. */
            printf("make %s -> %s: refused or not followed\n", made[i].name, made[i].target);
            continue;
        }
        char sub[64];
        snprintf(sub, sizeof sub, "%s/passwd", made[i].name);
        const char *paths[] = {made[i].name, sub};
        __wasi_fd_t f;
        __wasi_filestat_t st;
        for (int j = 0; j < 2; j++) {
            /* The refuse_* calls print a line per check, which a runtime that
             * refused to make the link would not; so they run quietly here. */
            char what[160];
            snprintf(what, sizeof what, "open %s (guest-made link to %s)", paths[j], made[i].target);
            __wasi_errno_t e = open_ro(root, paths[j], &f);
            if (e == 0) refuse_open(e, f, what);
            snprintf(what, sizeof what, "open %s as a directory (guest-made link to %s)", paths[j], made[i].target);
            e = open_dir(root, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, paths[j], &f);
            if (e == 0) refuse_open(e, f, what);
            snprintf(what, sizeof what, "stat (follow) %s (guest-made link to %s)", paths[j], made[i].target);
            e = __wasi_path_filestat_get(root, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, paths[j], &st);
            if (e == 0) refuse_stat(e, &st, what);
        }
        printf("make %s -> %s: refused or not followed\n", made[i].name, made[i].target);
    }
    return 0;
}
