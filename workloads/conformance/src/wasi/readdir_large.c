/* A directory of 300 files read through a 128-byte buffer: fd_readdir must
 * fill the buffer (cutting the last entry), and resuming from each entry's
 * d_next cookie must list every file exactly once. Resuming from the cookie
 * of the 100th entry lists exactly the entries after it, and cookie 0
 * starts over. */
#include "../check.h"

#define N 300

/* Static: 300 entries would overflow the 64 KiB C stack. */
static struct entry all[N + 8], again[N + 8], rest[N + 8], sorted[N];

int main(void) {
    __wasi_fd_t root = preopen_fd(), dir, fd;
    ok(__wasi_path_create_directory(root, "many"), "path_create_directory many");
    ok(open_dir(root, 0, "many", &dir), "open many");
    for (int i = 0; i < N; i++) {
        char name[32];
        snprintf(name, sizeof name, "file-%03d", i);
        ok(open_at(dir, name, __WASI_OFLAGS_CREAT, 0, &fd), "create a file");
        ok(__wasi_fd_close(fd), "fd_close");
    }
    printf("created %d files\n", N);
    int calls;
    int n = read_dir(dir, 128, 0, all, N + 8, &calls);
    expect_u64("entries through a 128-byte buffer", n, N);
    if (calls < N / 4) fail("fd_readdir calls for %d entries in 128 bytes: %d (expected at least %d)", N, calls, N / 4);
    printf("128-byte buffer: %d entries over many calls\n", n);
    memcpy(sorted, all, sizeof sorted);
    qsort(sorted, N, sizeof sorted[0], by_entry_name);
    for (int i = 0; i < N; i++) {
        char want[32];
        snprintf(want, sizeof want, "file-%03d", i);
        expect_str("sorted entry", sorted[i].name, want);
        if (sorted[i].type != __WASI_FILETYPE_REGULAR_FILE)
            fail("type of %s: %s (expected regular_file)", want, type_name(sorted[i].type));
    }
    puts("every file listed exactly once, as regular_file");

    int m = read_dir(dir, 128, all[99].next, rest, N + 8, &calls);
    expect_u64("entries after the 100th entry's cookie", m, N - 100);
    for (int i = 0; i < m; i++) expect_str("entry after the cookie", rest[i].name, all[100 + i].name);
    puts("resume from the 100th cookie: the 200 entries after it");
    int k = read_dir(dir, 4096, 0, again, N + 8, &calls);
    expect_u64("entries from cookie 0 again", k, N);
    expect_str("first entry from cookie 0 again", again[0].name, all[0].name);
    puts("cookie 0 again: the same listing from the start");
    ok(__wasi_fd_close(dir), "fd_close");
    return 0;
}
