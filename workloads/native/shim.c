/* The timing shim linked into every native twin. It gives bench_start() and
 * bench_end() the meaning the Wasm runtimes give the `bench` imports, so a
 * twin times the same region as its .wasm. The harness hands the twin a pipe
 * as fd 3; at exit the shim writes one line of CLOCK_MONOTONIC readings to it:
 *     loaded=NS start=NS end=NS exited=NS hwm=BYTES
 * (start/end are 0 when the markers were never called). Run by hand, with no
 * pipe on fd 3, the twin behaves like any program and reports nothing.
 * It also reports its own peak resident size as hwm=BYTES (VmHWM, which
 * starts afresh at exec: wait4's ru_maxrss would carry over the size of the
 * process that forked it), or 0 when /proc cannot tell. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static uint64_t loaded, started, ended;
static int report_fd = -1;

static uint64_t now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void bench_start(void) { started = now(); }
void bench_end(void) { ended = now(); }

/* VmHWM from /proc/self/status, in bytes; 0 if it cannot be read. */
static unsigned long long peak_resident(void) {
    char text[4096];
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0) return 0;
    text[n] = '\0';
    const char *line = strstr(text, "VmHWM:");
    unsigned long long kib = 0;
    if (line == NULL || sscanf(line, "VmHWM: %llu kB", &kib) != 1) return 0;
    return kib * 1024;
}

/* A destructor, not atexit(): it also runs on exit(), and needs nothing from
 * libc_nonshared, which rustc's link line leaves out. */
__attribute__((destructor)) static void report(void) {
    if (report_fd < 0) return;
    uint64_t exited = now();
    char line[200];
    int n = snprintf(line, sizeof line, "loaded=%llu start=%llu end=%llu exited=%llu hwm=%llu\n",
                     (unsigned long long)loaded, (unsigned long long)started,
                     (unsigned long long)ended, (unsigned long long)exited, peak_resident());
    if (write(report_fd, line, (size_t)n) != n) _exit(125);
}

__attribute__((constructor)) static void load(void) {
    loaded = now();
    /* The harness's pipe is fd 3, or the descriptor WASM_ARENA_REPORT_FD
     * names (a spawn that times the start: see adapters/src/child.rs). Only
     * a pipe is the harness's. Move it out of the way so the twin's own
     * files get the descriptors they would get anyway. */
    const char *named = getenv("WASM_ARENA_REPORT_FD");
    int fd = named != NULL ? atoi(named) : 3;
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode)) return;
    report_fd = fcntl(fd, F_DUPFD_CLOEXEC, 100);
    close(fd);
}
