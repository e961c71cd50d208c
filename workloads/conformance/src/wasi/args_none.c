/* No arguments at all: argc is 1 (argv[0] only), and args_sizes_get counts
 * exactly one string. A host that leaks its own argv (the runtime's command
 * line) fails here. */
#include "../check.h"

int main(int argc, char **argv) {
    __wasi_size_t count, size;
    ok(__wasi_args_sizes_get(&count, &size), "args_sizes_get");
    expect_u64("args_sizes_get count", count, 1);
    expect_u64("args_sizes_get size", size, strlen(argv[0]) + 1);
    printf("args_sizes_get: 1 arg\n");
    printf("argc: %d\n", argc);
    printf("argv[0]: %s\n", argv[0]);
    return 0;
}
