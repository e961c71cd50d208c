/* mandelbrot: escape-time iteration over an N x N grid; prints the count of
 * points inside the set and a checksum of the bitmap. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "bench.h"

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 200;
    long inside = 0;
    uint32_t checksum = 0;
    bench_start();
    for (int y = 0; y < n; y++) {
        uint8_t bits = 0;
        for (int x = 0; x < n; x++) {
            double cr = 2.0 * x / n - 1.5, ci = 2.0 * y / n - 1.0;
            double zr = 0, zi = 0, tr = 0, ti = 0;
            int i = 0;
            for (; i < 50 && tr + ti <= 4.0; i++) {
                zi = 2.0 * zr * zi + ci;
                zr = tr - ti + cr;
                tr = zr * zr;
                ti = zi * zi;
            }
            bits = (uint8_t)(bits << 1 | (i == 50));
            inside += i == 50;
            if ((x & 7) == 7 || x == n - 1) { checksum = checksum * 31 + bits; bits = 0; }
        }
    }
    bench_end();
    printf("inside=%ld checksum=%08x\n", inside, checksum);
    return 0;
}
