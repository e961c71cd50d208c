/* Many small WASI calls, so a runtime's per-call cost shows: every round reads
 * both clocks and their resolutions, draws entropy, appends short lines with
 * unbuffered write(2) to /output/log.txt, opens, reads and closes each small
 * file under /input (and one that is missing), and lists /input. Prints the
 * call counts and an FNV-1a of the deterministic data only (file contents,
 * sorted names, log lines), never of times or random bytes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "bench.h"

#define CLOCK_READS 64   /* per clock per round */
#define RES_READS 4      /* per clock per round */
#define ENTROPY_DRAWS 16 /* of 16 bytes per round */
#define LOG_WRITES 32    /* per round */
#define MAX_FILES 256

static char names[MAX_FILES][256];
static uint32_t nfiles;

static uint64_t fnv1a(uint64_t h, const void *data, size_t n) {
    const uint8_t *p = data;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

static int by_name(const void *a, const void *b) { return strcmp(a, b); }

/* Lists input/ into names[], sorted: the order readdir returns is the host
 * file system's. Dot entries are skipped (some WASI hosts omit them). */
static int list_input(void) {
    DIR *d = opendir("input");
    if (!d) { perror("input"); return 0; }
    nfiles = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        if (nfiles == MAX_FILES || strlen(e->d_name) >= sizeof names[0]) { fprintf(stderr, "input: too many or too long names\n"); return 0; }
        strcpy(names[nfiles++], e->d_name);
    }
    closedir(d);
    qsort(names, nfiles, sizeof names[0], by_name);
    return 1;
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 1;
    uint64_t gettimes = 0, getres = 0, entropy = 0, writes = 0, opens = 0, reads = 0, closes = 0;
    uint64_t missing = 0, listings = 0, read_bytes = 0, log_bytes = 0, h = 0xcbf29ce484222325ull;
    int backwards = 0, realtime_ok = 1, res_ok = 1, entropy_ok = 1;
    char path[300], buf[64], line[64];
    if (!list_input()) return 1;
    uint32_t expected = nfiles;

    bench_start();
    int logfd = open("output/log.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (logfd < 0) { perror("output/log.txt"); return 1; }
    opens++;
    for (int r = 0; r < rounds; r++) {
        /* Clocks: monotonic must never go back; realtime must be after 2020. */
        struct timespec prev = {0, 0}, ts;
        for (int i = 0; i < CLOCK_READS; i++) {
            clock_gettime(CLOCK_MONOTONIC, &ts);
            if (ts.tv_sec < prev.tv_sec || (ts.tv_sec == prev.tv_sec && ts.tv_nsec < prev.tv_nsec)) backwards++;
            prev = ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            if (ts.tv_sec < 1577836800) realtime_ok = 0;
            gettimes += 2;
        }
        for (int i = 0; i < RES_READS; i++) {
            if (clock_getres(CLOCK_MONOTONIC, &ts) != 0 || (ts.tv_sec == 0 && ts.tv_nsec == 0)) res_ok = 0;
            if (clock_getres(CLOCK_REALTIME, &ts) != 0 || (ts.tv_sec == 0 && ts.tv_nsec == 0)) res_ok = 0;
            getres += 2;
        }

        /* Entropy: only checked for failure and for an all-zero block. */
        for (int i = 0; i < ENTROPY_DRAWS; i++) {
            uint8_t rnd[16] = {0}, any = 0;
            if (getentropy(rnd, sizeof rnd) != 0) entropy_ok = 0;
            for (int k = 0; k < 16; k++) any |= rnd[k];
            if (!any) entropy_ok = 0;
            entropy++;
        }

        /* Unbuffered appends: one fd_write each. */
        for (int i = 0; i < LOG_WRITES; i++) {
            int n = snprintf(line, sizeof line, "round %d write %d %.*s\n", r, i, i, "abcdefghijklmnopqrstuvwxyz0123456789");
            if (write(logfd, line, (size_t)n) != n) { perror("write"); return 1; }
            h = fnv1a(h, line, (size_t)n);
            writes++;
            log_bytes += (uint64_t)n;
        }

        /* Open, read and close every input file, then one that does not exist. */
        for (uint32_t f = 0; f < nfiles; f++) {
            snprintf(path, sizeof path, "input/%s", names[f]);
            int fd = open(path, O_RDONLY);
            if (fd < 0) { perror(path); return 1; }
            opens++;
            ssize_t n = read(fd, buf, sizeof buf);
            if (n < 0) { perror(path); return 1; }
            reads++;
            read_bytes += (uint64_t)n;
            h = fnv1a(h, buf, (size_t)n);
            close(fd);
            closes++;
        }
        if (open("input/no-such-file.txt", O_RDONLY) >= 0 || errno != ENOENT) { fprintf(stderr, "missing file did not fail with ENOENT\n"); return 1; }
        missing++;

        /* List the directory; the sorted names go into the checksum. */
        if (!list_input()) return 1;
        listings++;
        if (nfiles != expected) { fprintf(stderr, "input: listing changed\n"); return 1; }
        for (uint32_t f = 0; f < nfiles; f++) h = fnv1a(h, names[f], strlen(names[f]) + 1);
    }
    if (close(logfd) != 0) { perror("output/log.txt"); return 1; }
    closes++;
    bench_end();

    printf("wasiio rounds=%d clock_gettime=%" PRIu64 " clock_getres=%" PRIu64 " getentropy=%" PRIu64 " write=%" PRIu64
           " open=%" PRIu64 " read=%" PRIu64 " close=%" PRIu64 " enoent=%" PRIu64 " listdir=%" PRIu64 "\n",
           rounds, gettimes, getres, entropy, writes, opens, reads, closes, missing, listings);
    printf("files=%" PRIu32 " read_bytes=%" PRIu64 " log_bytes=%" PRIu64 " monotonic=%s realtime=%s res=%s entropy=%s fnv=%016" PRIx64 "\n",
           nfiles, read_bytes, log_bytes, backwards ? "BACKWARDS" : "ok", realtime_ok ? "ok" : "BAD",
           res_ok ? "ok" : "BAD", entropy_ok ? "ok" : "BAD", h);
    return 0;
}
