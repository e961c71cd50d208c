/* Raw fd_read on stdin through a 7-byte buffer: the reads return the input
 * in order with no byte lost or repeated, each read returns at most what was
 * asked, and the end is a 0-byte read. The input is about 2 KiB, more than
 * one small pipe write. */
#include "../check.h"

int main(void) {
    static char all[8192];
    size_t total = 0;
    int reads = 0;
    for (;;) {
        __wasi_iovec_t iov = {(uint8_t *)all + total, 7};
        __wasi_size_t n;
        ok(__wasi_fd_read(0, &iov, 1, &n), "fd_read(0)");
        if (n > 7) fail("fd_read(0) of 7 bytes: %u bytes (expected at most 7)", (unsigned)n);
        if (n == 0) break;
        total += n;
        reads++;
        if (total + 7 > sizeof all) fail("stdin: more than %zu bytes (expected about 2 KiB)", sizeof all);
    }
    if (reads < (int)(total / 7)) fail("reads: %d (expected at least %zu)", reads, total / 7);
    /* The input is lines "line NNN: abcdefghijklmnopqrstuvwxyz\n" for NNN = 0..59. */
    size_t at = 0;
    for (int i = 0; i < 60; i++) {
        char want[64];
        int len = snprintf(want, sizeof want, "line %03d: abcdefghijklmnopqrstuvwxyz\n", i);
        if (at + len > total || memcmp(all + at, want, len)) fail("stdin line %d: wrong or missing (expected \"%.*s\")", i, len - 1, want);
        at += len;
    }
    expect_u64("stdin bytes", total, at);
    printf("stdin: %zu bytes in 7-byte reads, all 60 lines in order, then EOF\n", total);
    return 0;
}
