/* fd_filestat_get and path_filestat_get agree on one file (size, filetype,
 * device, inode, nlink 1), a directory stats as a directory, a missing path
 * is ENOENT, a file's size follows its writes, and a new file's mtime is
 * close to the realtime clock (same clock, within a minute). */
#include "../check.h"

int main(void) {
    __wasi_fd_t dir = preopen_fd(), fd;
    __wasi_filestat_t a, b;
    __wasi_size_t n;
    put_file(dir, "f.txt", "thirteen byte");
    ok(open_at(dir, "f.txt", 0, 0, &fd), "open f.txt");
    ok(__wasi_fd_filestat_get(fd, &a), "fd_filestat_get");
    ok(__wasi_path_filestat_get(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "f.txt", &b), "path_filestat_get");
    expect_u64("fd_filestat_get size", a.size, 13);
    expect_u64("path_filestat_get size", b.size, 13);
    if (a.filetype != __WASI_FILETYPE_REGULAR_FILE || b.filetype != __WASI_FILETYPE_REGULAR_FILE)
        fail("filetype: %s / %s (expected regular_file)", type_name(a.filetype), type_name(b.filetype));
    puts("file: size 13, regular_file from both calls");
    if (a.dev != b.dev || a.ino != b.ino) fail("fd and path stat: different dev/ino (expected the same file)");
    puts("fd and path stat: same dev and inode");
    expect_u64("nlink", a.nlink, 1);
    puts("nlink: 1");
    __wasi_timestamp_t now;
    ok(__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &now), "clock_time_get(realtime)");
    uint64_t minute = 60ull * 1000000000ull;
    if (a.mtim + minute < now || a.mtim > now + minute)
        fail("mtime of a new file: %lld s from now (expected within 60 s)", ((long long)a.mtim - (long long)now) / 1000000000ll);
    puts("mtime: within a minute of the realtime clock");
    ok(write_str(fd, "+7 more", &n), "fd_write");
    ok(__wasi_fd_filestat_get(fd, &a), "fd_filestat_get after a write");
    expect_u64("size after writing 7 more bytes at offset 0", a.size, 13);
    __wasi_filesize_t pos;
    ok(__wasi_fd_seek(fd, 0, __WASI_WHENCE_END, &pos), "fd_seek END");
    ok(write_str(fd, "+7 more", &n), "fd_write at the end");
    ok(__wasi_fd_filestat_get(fd, &a), "fd_filestat_get after appending");
    expect_u64("size after appending 7 bytes", a.size, 20);
    puts("size follows writes: 13 then 20");
    ok(__wasi_fd_close(fd), "fd_close");
    ok(__wasi_path_create_directory(dir, "d"), "mkdir d");
    ok(__wasi_path_filestat_get(dir, 0, "d", &b), "path_filestat_get d");
    if (b.filetype != __WASI_FILETYPE_DIRECTORY) fail("d: %s (expected directory)", type_name(b.filetype));
    ok(__wasi_fd_filestat_get(dir, &b), "fd_filestat_get on the preopen");
    if (b.filetype != __WASI_FILETYPE_DIRECTORY) fail("preopen: %s (expected directory)", type_name(b.filetype));
    puts("directory and preopen: directory");
    ERR_IN(__wasi_path_filestat_get(dir, 0, "missing", &b), "path_filestat_get missing", __WASI_ERRNO_NOENT);
    puts("missing: ENOENT");
    return 0;
}
