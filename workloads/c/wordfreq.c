/* File I/O through a preopened directory: read every file named on the
 * command line from /input, count lines, words and bytes and the most common
 * word, write a summary to /output/summary.txt and echo it to stdout. Paths
 * are relative (wasi-libc resolves them against the preopens), so the native
 * twin finds the same files under its working directory. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"

#define BUCKETS 65536
struct entry { char *word; long count; struct entry *next; };
static struct entry *table[BUCKETS];

static unsigned hash(const char *s) {
    unsigned h = 2166136261u;
    while (*s) h = (h ^ (unsigned char)*s++) * 16777619u;
    return h % BUCKETS;
}

static void count_word(const char *w) {
    unsigned h = hash(w);
    for (struct entry *e = table[h]; e; e = e->next)
        if (strcmp(e->word, w) == 0) { e->count++; return; }
    struct entry *e = malloc(sizeof *e);
    e->word = strdup(w); e->count = 1; e->next = table[h]; table[h] = e;
}

int main(int argc, char **argv) {
    long lines = 0, words = 0, bytes = 0;
    int passes = argc > 1 ? atoi(argv[1]) : 1;
    bench_start();
    for (int p = 0; p < passes; p++) {
        for (int i = 2; i < argc; i++) {
            char path[512];
            snprintf(path, sizeof path, "input/%s", argv[i]);
            FILE *f = fopen(path, "rb");
            if (!f) { perror(path); return 1; }
            char word[128]; size_t n = 0; int c;
            while ((c = fgetc(f)) != EOF) {
                bytes++;
                if (c == '\n') lines++;
                if (isalnum(c)) { if (n < sizeof word - 1) word[n++] = (char)tolower(c); }
                else if (n) { word[n] = 0; count_word(word); words++; n = 0; }
            }
            if (n) { word[n] = 0; count_word(word); words++; }
            fclose(f);
        }
    }
    const char *best = ""; long best_count = 0;
    for (int b = 0; b < BUCKETS; b++)
        for (struct entry *e = table[b]; e; e = e->next)
            if (e->count > best_count || (e->count == best_count && strcmp(e->word, best) < 0)) {
                best = e->word; best_count = e->count;
            }
    FILE *out = fopen("output/summary.txt", "w");
    if (!out) { perror("output/summary.txt"); return 1; }
    fprintf(out, "lines=%ld words=%ld bytes=%ld top=%s:%ld\n", lines, words, bytes, best, best_count);
    if (fclose(out) != 0) { perror("fclose"); return 1; }
    bench_end();
    printf("lines=%ld words=%ld bytes=%ld top=%s:%ld\n", lines, words, bytes, best, best_count);
    return 0;
}
