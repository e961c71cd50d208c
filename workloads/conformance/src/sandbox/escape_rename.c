/* path_rename and path_link must not move or link a file out of the
 * preopen, nor bring a host file in: renaming or hard-linking "victim.txt"
 * to "../x", "sub/../../x" or "/tmp/x", renaming the directory "sub" out,
 * and hard-linking a host file (by a "../" path, an absolute path, or by
 * following the fixture's symlink "absfile" -> /etc/passwd) into the root
 * must all fail, and victim.txt must still be there afterwards. Host files
 * are only ever linked, never renamed, so a runtime that fails this test
 * does no harm to the host. Raw calls, any errno holds. */
#include "../check.h"

/* Linking a host file in must fail; if "stolen" appeared, it is an escape
 * unless it is the same file as something already inside. */
static void refuse_link_in(__wasi_errno_t e, __wasi_fd_t root, const char *what) {
    __wasi_filestat_t st;
    if (e == 0) {
        if (__wasi_path_filestat_get(root, 0, "stolen", &st) == 0) {
            (void)__wasi_path_unlink_file(root, "stolen");
            if (!is_inside(&st)) escaped("%s: succeeded", what);
        }
        fail("%s: succeeded without bringing a host file in (expected an error)", what);
    }
    printf("%s: refused\n", what);
}

int main(void) {
    __wasi_fd_t root = preopen_fd();
    __wasi_errno_t e;
    expect_str("victim.txt", must_read(root, "victim.txt"), "victim\n");
    puts("control: victim.txt readable");
    const char *outside[] = {"../wasm-arena-escape-probe", "sub/../../wasm-arena-escape-probe",
                             "/tmp/wasm-arena-escape-probe"};
    /* Where each lands in a runtime that clamps at the root. */
    const char *clamped[] = {"wasm-arena-escape-probe", "wasm-arena-escape-probe", "tmp/wasm-arena-escape-probe"};
    for (int i = 0; i < 3; i++) {
        char what[160];
        snprintf(what, sizeof what, "rename victim.txt -> %s", outside[i]);
        refuse_change(__wasi_path_rename(root, "victim.txt", root, outside[i]), root, clamped[i], what);
        snprintf(what, sizeof what, "link victim.txt -> %s", outside[i]);
        refuse_change(__wasi_path_link(root, 0, "victim.txt", root, outside[i]), root, clamped[i], what);
    }
    const char *host[] = {"../../../../../../../../../../../../../../../../etc/passwd", "/etc/passwd"};
    for (int i = 0; i < 2; i++) {
        char what[160];
        snprintf(what, sizeof what, "link %s -> stolen", host[i]);
        refuse_link_in(__wasi_path_link(root, 0, host[i], root, "stolen"), root, what);
        snprintf(what, sizeof what, "link (follow) %s -> stolen", host[i]);
        refuse_link_in(__wasi_path_link(root, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, host[i], root, "stolen"), root, what);
    }
    /* A link to a host file made by following a symlink that points out. */
    refuse_link_in(__wasi_path_link(root, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "absfile", root, "stolen"), root,
                   "link (follow) absfile -> stolen");
    refuse_change(__wasi_path_rename(root, "sub", root, "../wasm-arena-escape-dir"), root, "wasm-arena-escape-dir",
                  "rename sub -> ../wasm-arena-escape-dir");
    if (!get_file(root, "victim.txt", &e)) fail("victim.txt after the attempts: %s (expected still there)", errname(e));
    puts("victim.txt: still in place");
    return 0;
}
