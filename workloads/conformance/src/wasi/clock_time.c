/* Clock values: realtime is after 2020-01-01 (and before 2200, so it is in
 * nanoseconds, not micro- or milliseconds), libc's time() agrees with it to
 * the second, and the monotonic clock never goes backwards over 100000 reads
 * and moves forward across a busy loop. */
#include <time.h>
#include "../check.h"

int main(void) {
    const uint64_t y2020 = 1577836800ull * 1000000000ull, y2200 = 7258118400ull * 1000000000ull;
    __wasi_timestamp_t rt;
    ok(__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &rt), "clock_time_get(realtime)");
    if (rt < y2020 || rt > y2200)
        fail("realtime: %llu ns since the epoch (expected 2020 to 2200)", (unsigned long long)rt);
    puts("realtime: after 2020, in nanoseconds");
    time_t secs = time(NULL);
    long long diff = (long long)secs - (long long)(rt / 1000000000ull);
    if (diff < 0 || diff > 5) fail("time(): %lld s after clock_time_get (expected 0 to 5)", diff);
    puts("time(): agrees with realtime");

    uint64_t prev = mono_ns(), first = prev;
    for (int i = 0; i < 100000; i++) {
        uint64_t t = mono_ns();
        if (t < prev) fail("monotonic: went back %llu ns (expected never)", (unsigned long long)(prev - t));
        prev = t;
    }
    puts("monotonic: never went backwards in 100000 reads");
    volatile uint64_t x = 0;
    for (int i = 0; i < 20000000; i++) x += i;
    if (mono_ns() <= first) fail("monotonic: did not advance across a busy loop of %llu (expected it to)", (unsigned long long)x);
    puts("monotonic: advanced across a busy loop");
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts)) fail("clock_gettime(CLOCK_MONOTONIC): failed (expected success)");
    puts("clock_gettime(CLOCK_MONOTONIC): ok");
    return 0;
}
