/* random_get fills the whole buffer it is given and nothing past it, at
 * several sizes (up to 64 KiB), two calls give different bytes, and a
 * zero-length request succeeds. "Filled" is judged by chance: a 16-byte
 * buffer left all-0x5A by a correct host has odds of 2^-128. */
#include "../check.h"

static uint8_t buf[65536 + 64];

int main(void) {
    size_t sizes[] = {16, 100, 4096, 65536};
    for (int i = 0; i < 4; i++) {
        size_t n = sizes[i];
        memset(buf, 0x5A, sizeof buf);
        char what[64];
        snprintf(what, sizeof what, "random_get(%zu)", n);
        ok(__wasi_random_get(buf, n), what);
        /* Every 16-byte block must differ from the fill, so a short write shows. */
        for (size_t at = 0; at + 16 <= n; at += 16) {
            int changed = 0;
            for (size_t j = at; j < at + 16; j++) changed |= buf[j] != 0x5A;
            if (!changed) fail("%s: bytes %zu..%zu untouched (expected random)", what, at, at + 15);
        }
        for (size_t j = n; j < n + 64; j++)
            if (buf[j] != 0x5A) fail("%s: wrote past the buffer at byte %zu (expected not)", what, j);
        printf("%s: filled, nothing past the end\n", what);
    }
    /* 64 KiB of good random bytes uses all 256 values. */
    int seen[256] = {0}, distinct = 0;
    ok(__wasi_random_get(buf, 65536), "random_get(65536)");
    for (size_t j = 0; j < 65536; j++) distinct += !seen[buf[j]]++;
    if (distinct < 256) fail("random_get(65536): %d distinct byte values (expected 256)", distinct);
    puts("random_get(65536): all 256 byte values appear");
    uint8_t a[32], b[32];
    ok(__wasi_random_get(a, sizeof a), "random_get(32) first");
    ok(__wasi_random_get(b, sizeof b), "random_get(32) second");
    if (!memcmp(a, b, sizeof a)) fail("two random_get(32): identical (expected different)");
    puts("two calls: different bytes");
    ok(__wasi_random_get(buf, 0), "random_get(0)");
    puts("random_get(0): ok");
    return 0;
}
