/* Quicksort (Hoare partition, median of three) of N pseudo-random 32-bit ints. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "bench.h"

static void quicksort(uint32_t *v, long lo, long hi) {
    while (lo < hi) {
        long mid = lo + (hi - lo) / 2;
        uint32_t a = v[lo], b = v[mid], c = v[hi];
        uint32_t pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        long i = lo - 1, j = hi + 1;
        for (;;) {
            do i++; while (v[i] < pivot);
            do j--; while (v[j] > pivot);
            if (i >= j) break;
            uint32_t t = v[i]; v[i] = v[j]; v[j] = t;
        }
        if (j - lo < hi - j) { quicksort(v, lo, j); lo = j + 1; }
        else { quicksort(v, j + 1, hi); hi = j; }
    }
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 100000;
    uint32_t *v = malloc(n * sizeof *v);
    uint64_t x = 88172645463325252ull;
    for (long i = 0; i < n; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; v[i] = (uint32_t)x; }
    bench_start();
    quicksort(v, 0, n - 1);
    bench_end();
    uint64_t check = 0;
    for (long i = 1; i < n; i++) {
        if (v[i - 1] > v[i]) { printf("not sorted at %ld\n", i); return 1; }
        check = check * 1000003u + v[i];
    }
    printf("sorted %ld min=%u max=%u check=%016llx\n", n, v[0], v[n - 1], (unsigned long long)check);
    return 0;
}
