/* The raw environ calls: environ_sizes_get gives the count and the exact
 * buffer size of all "NAME=value\0" strings, and environ_get fills pointers
 * into that buffer whose strings use it up exactly. */
#include "../check.h"

static int by_str(const void *a, const void *b) { return strcmp(*(char **)a, *(char **)b); }

int main(void) {
    __wasi_size_t count, size;
    ok(__wasi_environ_sizes_get(&count, &size), "environ_sizes_get");
    printf("environ_sizes_get: %u vars, %u bytes\n", (unsigned)count, (unsigned)size);
    uint8_t **env = calloc(count + 1, sizeof *env);
    uint8_t *buf = malloc(size + 16);
    memset(buf, 0xAA, size + 16);
    ok(__wasi_environ_get(env, buf), "environ_get");
    size_t used = 0;
    for (__wasi_size_t i = 0; i < count; i++) {
        if (env[i] < buf || env[i] >= buf + size)
            fail("environ_get: entry %u outside the buffer (expected inside)", (unsigned)i);
        size_t len = strnlen((char *)env[i], buf + size - env[i]);
        if (env[i] + len >= buf + size) fail("environ_get: entry %u not NUL-terminated", (unsigned)i);
        if (!strchr((char *)env[i], '=')) fail("environ_get: entry \"%s\" has no '='", env[i]);
        used += len + 1;
    }
    expect_u64("environ_get: bytes used by the strings", used, size);
    for (int i = 0; i < 16; i++)
        if (buf[size + i] != 0xAA) fail("environ_get: wrote past the reported size");
    qsort(env, count, sizeof *env, by_str);
    for (__wasi_size_t i = 0; i < count; i++) printf("  %s\n", env[i]);
    puts("environ_get: strings fill the buffer exactly");
    return 0;
}
