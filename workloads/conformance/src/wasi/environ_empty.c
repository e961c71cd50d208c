/* No env granted: the guest environment is empty (not the host's). Both the
 * raw call and libc agree: zero variables, zero bytes, no PATH or HOME. */
#include "../check.h"

extern char **environ;

int main(void) {
    __wasi_size_t count, size;
    ok(__wasi_environ_sizes_get(&count, &size), "environ_sizes_get");
    expect_u64("environ_sizes_get count", count, 0);
    expect_u64("environ_sizes_get size", size, 0);
    puts("environ_sizes_get: 0 vars, 0 bytes");
    if (environ && environ[0]) fail("environ[0]: \"%s\" (expected NULL)", environ[0]);
    puts("environ: empty");
    const char *names[] = {"PATH", "HOME", "USER", "PWD"};
    for (int i = 0; i < 4; i++)
        if (getenv(names[i])) fail("getenv(%s): \"%s\" (expected NULL)", names[i], getenv(names[i]));
    puts("getenv(PATH, HOME, USER, PWD): NULL");
    return 0;
}
