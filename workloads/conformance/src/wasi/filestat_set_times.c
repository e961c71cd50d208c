/* Setting timestamps: path_filestat_set_times stores the exact atime and
 * mtime given (whole seconds, so a host storing microseconds is still
 * exact), fd_filestat_set_times with only MTIM changes mtime and leaves
 * atime, and MTIM_NOW sets mtime to about the realtime clock's now. */
#include "../check.h"

#define SEC 1000000000ull

int main(void) {
    __wasi_fd_t dir = preopen_fd(), fd;
    __wasi_filestat_t st;
    put_file(dir, "t.txt", "times");
    ok(__wasi_path_filestat_set_times(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "t.txt", 1600000000ull * SEC,
                                      1700000000ull * SEC, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM),
       "path_filestat_set_times");
    ok(__wasi_path_filestat_get(dir, 0, "t.txt", &st), "path_filestat_get");
    expect_u64("atime after path_filestat_set_times", st.atim, 1600000000ull * SEC);
    expect_u64("mtime after path_filestat_set_times", st.mtim, 1700000000ull * SEC);
    puts("path_filestat_set_times: atime 1600000000 s, mtime 1700000000 s");
    ok(open_at(dir, "t.txt", 0, 0, &fd), "open t.txt");
    ok(__wasi_fd_filestat_set_times(fd, 0, 1650000000ull * SEC, __WASI_FSTFLAGS_MTIM), "fd_filestat_set_times MTIM");
    ok(__wasi_fd_filestat_get(fd, &st), "fd_filestat_get");
    expect_u64("mtime after fd_filestat_set_times", st.mtim, 1650000000ull * SEC);
    expect_u64("atime left alone", st.atim, 1600000000ull * SEC);
    puts("fd_filestat_set_times MTIM only: mtime 1650000000 s, atime unchanged");
    __wasi_timestamp_t now;
    ok(__wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW), "fd_filestat_set_times MTIM_NOW");
    ok(__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &now), "clock_time_get");
    ok(__wasi_fd_filestat_get(fd, &st), "fd_filestat_get");
    if (st.mtim + 60 * SEC < now || st.mtim > now + 60 * SEC)
        fail("mtime after MTIM_NOW: %lld s from now (expected within 60 s)", ((long long)st.mtim - (long long)now) / (long long)SEC);
    expect_u64("atime left alone by MTIM_NOW", st.atim, 1600000000ull * SEC);
    puts("MTIM_NOW: mtime is now, atime unchanged");
    ok(__wasi_fd_close(fd), "fd_close");
    return 0;
}
