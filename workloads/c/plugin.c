/* The guest side of a plugin boundary, built as a WASI reactor: the host
 * calls _initialize, then per message input_buffer(len), writes the message
 * there, process(len), output_buffer() and reads the output back, which
 * becomes the next message; finally finish() prints a summary. process()
 * calls the host's arena.echo import once, so each message crosses the
 * boundary both ways plus one import call. The native build of this file is
 * the twin: it plays the host itself, with memcpy for the copies. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"

#define CAPACITY 65536

static uint8_t in_buf[CAPACITY], out_buf[CAPACITY];
static uint32_t calls, echoes, last_len;
static uint64_t total_bytes;

#ifdef __wasm__
/* The host copies len bytes at ptr out of guest memory and writes them back
 * at the same place; returns len. */
__attribute__((import_module("arena"), import_name("echo"))) int32_t arena_echo(void *ptr, int32_t len);
#define EXPORT(name) __attribute__((export_name(name)))
#else
static uint8_t host_copy[CAPACITY];
static int32_t arena_echo(void *ptr, int32_t len) {
    memcpy(host_copy, ptr, (size_t)len);
    memcpy(ptr, host_copy, (size_t)len);
    return len;
}
#define EXPORT(name)
#endif

EXPORT("input_buffer") uint8_t *input_buffer(int32_t len) {
    return len >= 0 && len <= CAPACITY ? in_buf : NULL;
}

EXPORT("output_buffer") uint8_t *output_buffer(void) { return out_buf; }

/* out[i] = in[(i + 1) % len] ^ (counter + i): cheap, but every byte depends
 * on its position and on how many calls came before. */
EXPORT("process") int32_t process(int32_t len) {
    if (len < 0 || len > CAPACITY) return -1;
    if (arena_echo(in_buf, len) == len) echoes++;
    uint8_t counter = (uint8_t)calls;
    if (len > 0) {
        for (int32_t i = 0; i + 1 < len; i++) out_buf[i] = in_buf[i + 1] ^ (uint8_t)(counter + i);
        out_buf[len - 1] = in_buf[0] ^ (uint8_t)(counter + len - 1);
    }
    calls++;
    total_bytes += (uint64_t)len;
    last_len = (uint32_t)len;
    return len;
}

EXPORT("finish") void finish(void) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (uint32_t i = 0; i < last_len; i++) h = (h ^ out_buf[i]) * 0x100000001b3ull;
    printf("calls=%" PRIu32 " echoes=%" PRIu32 " bytes=%" PRIu64 " fnv=%016" PRIx64 "\n", calls, echoes, total_bytes, h);
    fflush(stdout);
}

#ifndef __wasm__
/* The native twin: the host's loop, argv[1] calls, first message on stdin. */
int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000;
    static uint8_t msg[CAPACITY];
    size_t len = fread(msg, 1, sizeof msg, stdin);
    bench_start();
    for (long c = 0; c < n; c++) {
        uint8_t *p = input_buffer((int32_t)len);
        if (!p) { fprintf(stderr, "message too long\n"); return 1; }
        memcpy(p, msg, len);
        int32_t out_len = process((int32_t)len);
        if (out_len < 0) { fprintf(stderr, "process failed\n"); return 1; }
        memcpy(msg, output_buffer(), (size_t)out_len);
        len = (size_t)out_len;
    }
    bench_end();
    finish();
    return 0;
}
#endif
