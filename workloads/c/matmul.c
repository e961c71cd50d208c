/* Dense matrix multiply C = A x B of N x N floats, blocked over k; prints a
 * checksum. Built twice for Wasm: scalar, and with -msimd128 (the same source
 * using clang's portable vector types, which become wasm simd128 or SSE). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "bench.h"

typedef float f32x4 __attribute__((vector_size(16)));

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 64;
    n = (n + 3) / 4 * 4;
    float *a = aligned_alloc(16, sizeof(float) * n * n);
    float *b = aligned_alloc(16, sizeof(float) * n * n);
    float *c = aligned_alloc(16, sizeof(float) * n * n);
    uint32_t x = 12345;
    for (int i = 0; i < n * n; i++) {
        x = x * 1103515245u + 12345u; a[i] = (float)((x >> 16) % 100) / 10.0f;
        x = x * 1103515245u + 12345u; b[i] = (float)((x >> 16) % 100) / 10.0f;
        c[i] = 0;
    }
    bench_start();
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < n; k++) {
            f32x4 aik = {a[i * n + k], a[i * n + k], a[i * n + k], a[i * n + k]};
            for (int j = 0; j < n; j += 4) {
                f32x4 *cv = (f32x4 *)&c[i * n + j];
                *cv += aik * *(const f32x4 *)&b[k * n + j];
            }
        }
    }
    bench_end();
    double sum = 0;
    for (int i = 0; i < n * n; i++) sum += c[i] * (double)((i % 7) + 1);
    printf("n=%d checksum=%.1f\n", n, sum);
    return 0;
}
