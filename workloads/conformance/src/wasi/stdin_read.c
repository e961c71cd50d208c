/* Reading the whole of stdin through libc: every line arrives (a blank line,
 * UTF-8, a last line without a newline), the byte count and an FNV-1a hash
 * of the bytes match, and once at end of file every further read is EOF
 * again (stdin is not reopened or blocking). */
#include "../check.h"

int main(void) {
    char line[256];
    unsigned long bytes = 0, lines = 0;
    uint32_t h = 2166136261u;
    while (fgets(line, sizeof line, stdin)) {
        lines++;
        for (char *p = line; *p; p++) h = (h ^ (uint8_t)*p) * 16777619u, bytes++;
        printf("%lu: %s%s", lines, line, strchr(line, '\n') ? "" : "\n");
    }
    if (ferror(stdin)) fail("reading stdin: an error (expected end of file)");
    printf("stdin: %lu lines, %lu bytes, fnv1a %08x\n", lines, bytes, (unsigned)h);
    clearerr(stdin);
    if (fgetc(stdin) != EOF) fail("fgetc after end of file: data (expected EOF)");
    __wasi_size_t n;
    char buf[8];
    ok(read_str(0, buf, sizeof buf, &n), "fd_read(0) after end of file");
    expect_u64("fd_read(0) after end of file", n, 0);
    ok(read_str(0, buf, sizeof buf, &n), "fd_read(0) again");
    expect_u64("fd_read(0) again", n, 0);
    puts("after end of file: EOF again");
    return 0;
}
