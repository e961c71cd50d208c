/* path_unlink_file removes a file (opening it afterwards is ENOENT), an open
 * descriptor of an unlinked file still reads, a missing file is ENOENT, and
 * a directory is refused: the spec names EISDIR; POSIX unlink also allows
 * EPERM (and EACCES from a host that checks permissions first). */
#include "../check.h"

int main(void) {
    __wasi_fd_t dir = preopen_fd(), fd, keep;
    __wasi_size_t n;
    char buf[32];
    put_file(dir, "gone.txt", "bye");
    ok(open_at(dir, "gone.txt", 0, 0, &keep), "open gone.txt");
    ok(__wasi_path_unlink_file(dir, "gone.txt"), "path_unlink_file gone.txt");
    ERR_IN(open_at(dir, "gone.txt", 0, 0, &fd), "open after unlink", __WASI_ERRNO_NOENT);
    puts("unlink file: then ENOENT");
    ok(read_str(keep, buf, sizeof buf, &n), "fd_read an unlinked open file");
    expect_str("unlinked open file", buf, "bye");
    ok(__wasi_fd_close(keep), "fd_close");
    puts("open fd of the unlinked file still reads");
    ERR_IN(__wasi_path_unlink_file(dir, "gone.txt"), "unlink a missing file", __WASI_ERRNO_NOENT);
    puts("unlink missing: ENOENT");
    ok(__wasi_path_create_directory(dir, "sub"), "path_create_directory sub");
    ERR_IN(__wasi_path_unlink_file(dir, "sub"), "unlink a directory", __WASI_ERRNO_ISDIR,
           __WASI_ERRNO_PERM, __WASI_ERRNO_ACCES);
    ok(open_dir(dir, 0, "sub", &fd), "open sub after refused unlink");
    ok(__wasi_fd_close(fd), "fd_close");
    puts("unlink directory: refused, directory kept");
    return 0;
}
