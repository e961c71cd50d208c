/* Path forms that stay inside the directory resolve like POSIX: "./x",
 * "sub/../x", "sub//x" (a doubled slash), "sub/./x" and "sub/." all work,
 * and a trailing slash on a directory is fine. Uses raw path_open so the
 * runtime, not wasi-libc, does the resolving. */
#include "../check.h"

int main(void) {
    __wasi_fd_t dir = preopen_fd(), fd;
    ok(__wasi_path_create_directory(dir, "sub"), "path_create_directory sub");
    put_file(dir, "sub/x.txt", "in sub");
    const char *file_paths[][2] = {
        {"./hello.txt", "hello, world\n"}, {"sub/../hello.txt", "hello, world\n"},
        {"sub//x.txt", "in sub"},          {"sub/./x.txt", "in sub"},
        {"./sub/../sub/x.txt", "in sub"},
    };
    for (int i = 0; i < 5; i++) {
        printf("%s: ", file_paths[i][0]);
        expect_str(file_paths[i][0], must_read(dir, file_paths[i][0]), file_paths[i][1]);
        puts("ok");
    }
    const char *dir_paths[] = {".", "sub/.", "sub/", "sub/..", "./sub"};
    for (int i = 0; i < 5; i++) {
        char what[64];
        snprintf(what, sizeof what, "open directory %s", dir_paths[i]);
        ok(open_dir(dir, 0, dir_paths[i], &fd), what);
        ok(__wasi_fd_close(fd), "fd_close");
        printf("%s: ok\n", dir_paths[i]);
    }
    return 0;
}
