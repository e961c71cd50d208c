/* An empty stdin is end of file at once, for the raw call and for libc, and
 * stays so. */
#include "../check.h"

int main(void) {
    __wasi_size_t n;
    char buf[16];
    ok(read_str(0, buf, sizeof buf, &n), "fd_read(0)");
    expect_u64("fd_read(0) on empty stdin", n, 0);
    puts("fd_read: 0 bytes");
    if (getchar() != EOF) fail("getchar on empty stdin: data (expected EOF)");
    puts("getchar: EOF");
    ok(read_str(0, buf, sizeof buf, &n), "fd_read(0) again");
    expect_u64("fd_read(0) again", n, 0);
    puts("fd_read again: 0 bytes");
    return 0;
}
