/* Base64 round trip: encode and decode a pseudo-random buffer N times, checking each decode. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"

static const char ALPHABET[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t encode(const uint8_t *in, size_t len, char *out) {
    size_t o = 0, i = 0;
    for (; i + 2 < len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = ALPHABET[v >> 18]; out[o++] = ALPHABET[(v >> 12) & 63];
        out[o++] = ALPHABET[(v >> 6) & 63]; out[o++] = ALPHABET[v & 63];
    }
    if (i < len) {
        uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < len ? (uint32_t)in[i + 1] << 8 : 0);
        out[o++] = ALPHABET[v >> 18]; out[o++] = ALPHABET[(v >> 12) & 63];
        out[o++] = i + 1 < len ? ALPHABET[(v >> 6) & 63] : '=';
        out[o++] = '=';
    }
    return o;
}

static size_t decode(const char *in, size_t len, uint8_t *out) {
    static int8_t table[256];
    if (!table['B']) {
        memset(table, -1, sizeof table);
        for (int i = 0; i < 64; i++) table[(uint8_t)ALPHABET[i]] = (int8_t)i;
    }
    size_t o = 0;
    for (size_t i = 0; i + 3 < len; i += 4) {
        uint32_t v = 0;
        int pad = 0;
        for (int k = 0; k < 4; k++) {
            char c = in[i + k];
            if (c == '=') { pad++; v <<= 6; } else v = v << 6 | (uint32_t)table[(uint8_t)c];
        }
        out[o++] = (uint8_t)(v >> 16);
        if (pad < 2) out[o++] = (uint8_t)(v >> 8);
        if (pad < 1) out[o++] = (uint8_t)v;
    }
    return o;
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 10;
    size_t len = (1 << 20) + 1;
    uint8_t *data = malloc(len), *back = malloc(len);
    char *text = malloc(len / 3 * 4 + 8);
    uint32_t x = 7;
    for (size_t i = 0; i < len; i++) { x = x * 1664525u + 1013904223u; data[i] = (uint8_t)(x >> 24); }
    size_t encoded = 0;
    uint32_t check = 0;
    bench_start();
    for (int r = 0; r < rounds; r++) {
        data[r % len] ^= (uint8_t)r;
        encoded = encode(data, len, text);
        size_t decoded = decode(text, encoded, back);
        if (decoded != len || memcmp(back, data, len) != 0) { printf("round trip failed in round %d\n", r); return 1; }
        check = check * 31 + (uint8_t)text[(r * 7919) % encoded];
    }
    bench_end();
    printf("rounds=%d encoded=%zu check=%u\n", rounds, encoded, check);
    return 0;
}
