/* The sandbox suite's escape probes (conformance/src/sandbox/escape_*.c) as
 * native code: does a program reach a host file it was not granted? Built
 * with the twins, run bare and inside each container image.
 *
 *     escape SECRET HOST_FILE
 *
 * HOST_FILE is a host file holding SECRET, beside the directory granted as
 * `granted` (relative to the working directory; in a container, mounted at
 * /granted, the working directory being /). `granted/link` is a symlink to
 * HOST_FILE's absolute path. Each probe prints `NAME: reached` when it read
 * SECRET, else `NAME: refused` (any error holds):
 *   absolute  open(HOST_FILE)
 *   dotdot    open("granted/../" basename(HOST_FILE))
 *   symlink   open("granted/link") */
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void probe(const char *name, const char *path, const char *secret) {
    char text[256] = {0};
    int fd = open(path, O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof text - 1);
    if (fd >= 0) close(fd);
    int reached = n > 0 && strncmp(text, secret, strlen(secret)) == 0;
    printf("%s: %s\n", name, reached ? "reached" : "refused");
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: escape SECRET HOST_FILE\n");
        return 2;
    }
    char copy[4096], dotdot[4200];
    snprintf(copy, sizeof copy, "%s", argv[2]);
    snprintf(dotdot, sizeof dotdot, "granted/../%s", basename(copy));
    probe("absolute", argv[2], argv[1]);
    probe("dotdot", dotdot, argv[1]);
    probe("symlink", "granted/link", argv[1]);
    return 0;
}
