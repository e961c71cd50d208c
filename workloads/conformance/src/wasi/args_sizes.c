/* The raw args calls: args_sizes_get reports the count and the exact buffer
 * size (every string with its NUL), and args_get fills pointers that all
 * point into that buffer at NUL-terminated strings which use it up exactly.
 * Includes a multi-byte UTF-8 argument (sizes are bytes, not characters). */
#include "../check.h"

int main(void) {
    __wasi_size_t count, size;
    ok(__wasi_args_sizes_get(&count, &size), "args_sizes_get");
    printf("args_sizes_get: %u args, %u bytes\n", (unsigned)count, (unsigned)size);

    uint8_t **argv = calloc(count + 1, sizeof *argv);
    uint8_t *buf = malloc(size + 16);
    memset(buf, 0xAA, size + 16);
    ok(__wasi_args_get(argv, buf), "args_get");
    size_t used = 0;
    for (__wasi_size_t i = 0; i < count; i++) {
        if (argv[i] < buf || argv[i] >= buf + size)
            fail("args_get: argv[%u] outside the buffer (expected inside)", (unsigned)i);
        size_t len = strnlen((char *)argv[i], buf + size - argv[i]);
        if (argv[i] + len >= buf + size) fail("args_get: argv[%u] not NUL-terminated inside the buffer", (unsigned)i);
        used += len + 1;
        printf("arg %u: %zu bytes [%s]\n", (unsigned)i, len, argv[i]);
    }
    expect_u64("args_get: bytes used by the strings", used, size);
    for (int i = 0; i < 16; i++)
        if (buf[size + i] != 0xAA) fail("args_get: wrote past the reported size (expected not)");
    puts("args_get: strings fill the buffer exactly");
    return 0;
}
