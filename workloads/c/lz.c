/* LZ77-style compress/decompress round trip (hash-chained matches, 64 KiB
 * window) of generated text-like data, N times; checks every decompression. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"

#define HASH_BITS 14
#define WINDOW 65535
#define MIN_MATCH 4
#define MAX_MATCH 255

/* Token stream: 0x00 len byte literals... | 0x01 len16 dist16 match. */
static size_t compress(const uint8_t *in, size_t n, uint8_t *out) {
    static int32_t head[1 << HASH_BITS];
    memset(head, -1, sizeof head);
    size_t o = 0, i = 0, lit_start = 0;
    while (i + MIN_MATCH <= n) {
        uint32_t h = ((uint32_t)in[i] | in[i + 1] << 8 | in[i + 2] << 16 | (uint32_t)in[i + 3] << 24) * 2654435761u >> (32 - HASH_BITS);
        int32_t cand = head[h];
        head[h] = (int32_t)i;
        size_t len = 0;
        if (cand >= 0 && i - (size_t)cand <= WINDOW) {
            while (len < MAX_MATCH && i + len < n && in[cand + len] == in[i + len]) len++;
        }
        if (len >= MIN_MATCH) {
            while (lit_start < i) {
                size_t run = i - lit_start > 255 ? 255 : i - lit_start;
                out[o++] = 0; out[o++] = (uint8_t)run;
                memcpy(out + o, in + lit_start, run); o += run; lit_start += run;
            }
            size_t dist = i - (size_t)cand;
            out[o++] = 1; out[o++] = (uint8_t)len; out[o++] = (uint8_t)dist; out[o++] = (uint8_t)(dist >> 8);
            i += len;
            lit_start = i;
        } else {
            i++;
        }
    }
    while (lit_start < n) {
        size_t run = n - lit_start > 255 ? 255 : n - lit_start;
        out[o++] = 0; out[o++] = (uint8_t)run;
        memcpy(out + o, in + lit_start, run); o += run; lit_start += run;
    }
    return o;
}

static size_t decompress(const uint8_t *in, size_t n, uint8_t *out) {
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (in[i] == 0) {
            size_t run = in[i + 1];
            memcpy(out + o, in + i + 2, run); o += run; i += 2 + run;
        } else {
            size_t len = in[i + 1], dist = in[i + 2] | (size_t)in[i + 3] << 8;
            for (size_t k = 0; k < len; k++, o++) out[o] = out[o - dist];
            i += 4;
        }
    }
    return o;
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 4;
    static const char *words[] = {"the ", "quick ", "brown ", "fox ", "jumps ", "over ", "lazy ", "dog ", "and ",
                                  "runtime ", "module ", "memory ", "compile ", "instance ", "wasm ", "\n"};
    size_t n = 1 << 20;
    uint8_t *data = malloc(n), *packed = malloc(n * 2), *back = malloc(n);
    uint32_t x = 2024;
    for (size_t i = 0; i < n;) {
        x = x * 1103515245u + 12345u;
        const char *w = words[(x >> 16) % 16];
        for (; *w && i < n; w++) data[i++] = (uint8_t)*w;
    }
    size_t packed_len = 0;
    bench_start();
    for (int r = 0; r < rounds; r++) {
        packed_len = compress(data, n, packed);
        if (decompress(packed, packed_len, back) != n || memcmp(back, data, n) != 0) { printf("round trip failed\n"); return 1; }
    }
    bench_end();
    printf("lz rounds=%d in=%zu out=%zu\n", rounds, n, packed_len);
    return 0;
}
