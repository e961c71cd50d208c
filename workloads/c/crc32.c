/* CRC-32 (IEEE 802.3, table driven) of a 1 MiB pseudo-random buffer, N passes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "bench.h"

int main(int argc, char **argv) {
    int passes = argc > 1 ? atoi(argv[1]) : 10;
    uint32_t table[256];
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    size_t len = 1 << 20;
    uint8_t *data = malloc(len);
    uint32_t x = 99;
    for (size_t i = 0; i < len; i++) { x ^= x << 13; x ^= x >> 17; x ^= x << 5; data[i] = (uint8_t)x; }
    uint32_t crc = 0;
    bench_start();
    for (int p = 0; p < passes; p++) {
        uint32_t c = ~crc;
        for (size_t i = 0; i < len; i++) c = table[(c ^ data[i]) & 0xFF] ^ (c >> 8);
        crc = ~c;
    }
    bench_end();
    printf("crc32 passes=%d %08x\n", passes, crc);
    return 0;
}
