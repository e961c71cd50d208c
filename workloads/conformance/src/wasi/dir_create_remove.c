/* path_create_directory and path_remove_directory: mkdir makes a directory
 * (path_filestat_get says directory), mkdir on an existing name is EEXIST
 * (directory or file), rmdir of a non-empty directory is refused with
 * ENOTEMPTY (POSIX also allows EEXIST) and keeps it, rmdir of an empty one
 * removes it, rmdir of a file is ENOTDIR, rmdir of a missing name ENOENT,
 * and nested directories can be made one level at a time. */
#include "../check.h"

int main(void) {
    __wasi_fd_t dir = preopen_fd();
    __wasi_filestat_t st;
    ok(__wasi_path_create_directory(dir, "made"), "path_create_directory made");
    ok(__wasi_path_filestat_get(dir, 0, "made", &st), "path_filestat_get made");
    if (st.filetype != __WASI_FILETYPE_DIRECTORY) fail("made: %s (expected directory)", type_name(st.filetype));
    puts("mkdir: made a directory");
    ERR_IN(__wasi_path_create_directory(dir, "made"), "mkdir an existing directory", __WASI_ERRNO_EXIST);
    ERR_IN(__wasi_path_create_directory(dir, "hello.txt"), "mkdir over an existing file", __WASI_ERRNO_EXIST);
    puts("mkdir existing: EEXIST");
    ok(__wasi_path_create_directory(dir, "made/a"), "mkdir made/a");
    ok(__wasi_path_create_directory(dir, "made/a/b"), "mkdir made/a/b");
    ERR_IN(__wasi_path_create_directory(dir, "nope/x"), "mkdir under a missing parent", __WASI_ERRNO_NOENT);
    puts("mkdir nested: ok; under a missing parent: ENOENT");
    put_file(dir, "made/file.txt", "x");
    ERR_IN(__wasi_path_remove_directory(dir, "made"), "rmdir a non-empty directory", __WASI_ERRNO_NOTEMPTY,
           __WASI_ERRNO_EXIST);
    ok(__wasi_path_filestat_get(dir, 0, "made/file.txt", &st), "made/file.txt after refused rmdir");
    puts("rmdir non-empty: ENOTEMPTY, kept");
    ERR_IN(__wasi_path_remove_directory(dir, "made/file.txt"), "rmdir a file", __WASI_ERRNO_NOTDIR);
    puts("rmdir a file: ENOTDIR");
    ERR_IN(__wasi_path_remove_directory(dir, "missing"), "rmdir a missing name", __WASI_ERRNO_NOENT);
    puts("rmdir missing: ENOENT");
    ok(__wasi_path_remove_directory(dir, "made/a/b"), "rmdir made/a/b");
    ok(__wasi_path_remove_directory(dir, "made/a"), "rmdir made/a");
    ok(__wasi_path_unlink_file(dir, "made/file.txt"), "unlink made/file.txt");
    ok(__wasi_path_remove_directory(dir, "made"), "rmdir made");
    ERR_IN(__wasi_path_filestat_get(dir, 0, "made", &st), "path_filestat_get after rmdir", __WASI_ERRNO_NOENT);
    puts("rmdir empty: removed");
    return 0;
}
