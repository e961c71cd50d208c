/* The three standard streams: text written to fd 1 and fd 2 reaches the
 * host's stdout and stderr separately and byte for byte (binary-safe: a NUL,
 * a CR, a line without a final newline), through both raw fd_write and
 * libc's buffered stdio. */
#include "../check.h"

int main(void) {
    __wasi_size_t n;
    ok(write_str(1, "raw stdout\n", &n), "fd_write(1)");
    ok(write_str(2, "raw stderr\n", &n), "fd_write(2)");
    static const char bin_text[] = "nul[\0] cr[\r]\n";
    __wasi_ciovec_t bin = {(const uint8_t *)bin_text, sizeof bin_text - 1};
    ok(__wasi_fd_write(1, &bin, 1, &n), "fd_write(1) binary");
    expect_u64("fd_write(1) binary bytes", n, sizeof bin_text - 1);
    printf("stdio stdout\n");
    fflush(stdout);
    fprintf(stderr, "stdio stderr\n");
    printf("no final newline");
    return 0;
}
