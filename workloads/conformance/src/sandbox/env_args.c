/* The guest's argv is exactly what was granted: argv[0] and the one
 * argument "only", nothing from the host's own command line. */
#include "../check.h"

int main(int argc, char **argv) {
    __wasi_size_t count, size;
    ok(__wasi_args_sizes_get(&count, &size), "args_sizes_get");
    if (count != 2 || argc != 2) escaped("argc: %d, args_sizes_get %u (expected 2)", argc, (unsigned)count);
    expect_str("argv[1]", argv[1], "only");
    expect_u64("args_sizes_get size", size, strlen(argv[0]) + 1 + sizeof "only");
    puts("argv: exactly argv[0] and \"only\"");
    return 0;
}
