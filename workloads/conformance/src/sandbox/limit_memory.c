/* The runtime's memory cap (the runner allows 256 MiB of linear memory):
 * memory.grow past it returns -1 (to a full 4 GiB, and by 1 GiB) instead of
 * trapping or exhausting the host, a one-page grow within it still
 * succeeds, malloc of 512 MiB returns NULL, and the program keeps running:
 * 64 MiB can still be allocated and used. */
#include "../check.h"

int main(void) {
    size_t before = __builtin_wasm_memory_size(0);
    if (__builtin_wasm_memory_grow(0, 65536 - before) != (size_t)-1) fail("grow to 4 GiB: succeeded (expected -1 under the cap)");
    puts("memory.grow to 4 GiB: -1");
    if (__builtin_wasm_memory_grow(0, 16384) != (size_t)-1) fail("grow by 1 GiB: succeeded (expected -1 under the cap)");
    puts("memory.grow by 1 GiB: -1");
    size_t old = __builtin_wasm_memory_grow(0, 1);
    if (old != before) fail("grow by one page: %zd (expected the old size %zu)", (ssize_t)old, before);
    puts("memory.grow by 1 page: ok");
    /* volatile: clang may otherwise drop an unused malloc and assume success. */
    void *volatile huge = malloc((size_t)512 << 20);
    if (huge) fail("malloc(512 MiB): succeeded (expected NULL under the cap)");
    puts("malloc(512 MiB): NULL");
    size_t len = (size_t)64 << 20;
    unsigned char *p = malloc(len);
    if (!p) fail("malloc(64 MiB): NULL (expected success under the cap)");
    memset(p, 0xA5, len);
    unsigned long sum = 0;
    for (size_t i = 0; i < len; i += 4096) sum += p[i];
    expect_u64("sum of touched pages", sum, 0xA5ul * (len / 4096));
    puts("malloc(64 MiB) and use it: ok, still running");
    return 0;
}
