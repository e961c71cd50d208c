/* poll_oneoff with relative clock subscriptions: a 50 ms timeout sleeps at
 * least 50 ms (monotonic) and reports one clock event with our userdata and
 * no error; of a 10 ms and a 3 s timeout only the 10 ms one fires; a zero
 * timeout returns at once. (Absolute deadlines: poll_clock_abstime.) */
#include "../check.h"

#define MS 1000000ull

static __wasi_subscription_t clock_sub(uint64_t userdata, uint64_t timeout, int abs) {
    __wasi_subscription_t s;
    memset(&s, 0, sizeof s);
    s.userdata = userdata;
    s.u.tag = __WASI_EVENTTYPE_CLOCK;
    s.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    s.u.u.clock.timeout = timeout;
    s.u.u.clock.precision = 0;
    s.u.u.clock.flags = abs ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
    return s;
}

static void expect_clock_event(const __wasi_event_t *ev, uint64_t userdata, const char *what) {
    if (ev->userdata != userdata) fail("%s: event userdata %llu (expected %llu)", what, (unsigned long long)ev->userdata, (unsigned long long)userdata);
    if (ev->type != __WASI_EVENTTYPE_CLOCK) fail("%s: event type %u (expected clock)", what, ev->type);
    if (ev->error) fail("%s: event error %s (expected none)", what, errname(ev->error));
}

int main(void) {
    __wasi_event_t ev[2];
    __wasi_size_t n;
    __wasi_subscription_t subs[2] = {clock_sub(0x1234, 50 * MS, 0)};
    uint64_t t0 = mono_ns();
    ok(__wasi_poll_oneoff(subs, ev, 1, &n), "poll_oneoff 50 ms");
    uint64_t took = mono_ns() - t0;
    expect_u64("events for one clock", n, 1);
    expect_clock_event(&ev[0], 0x1234, "50 ms clock");
    if (took < 50 * MS) fail("poll_oneoff 50 ms: slept %llu ms (expected at least 50)", (unsigned long long)(took / MS));
    puts("relative 50 ms: slept at least 50 ms, one clock event");

    subs[0] = clock_sub(10, 10 * MS, 0);
    subs[1] = clock_sub(3000, 3000 * MS, 0);
    t0 = mono_ns();
    ok(__wasi_poll_oneoff(subs, ev, 2, &n), "poll_oneoff 10 ms + 3 s");
    took = mono_ns() - t0;
    expect_u64("events for 10 ms + 3 s", n, 1);
    expect_clock_event(&ev[0], 10, "10 ms + 3 s clocks");
    if (took < 10 * MS || took > 2000 * MS) fail("poll_oneoff 10 ms + 3 s: %llu ms (expected 10 to 2000)", (unsigned long long)(took / MS));
    puts("10 ms and 3 s: only the 10 ms clock fired");

    subs[0] = clock_sub(0, 0, 0);
    t0 = mono_ns();
    ok(__wasi_poll_oneoff(subs, ev, 1, &n), "poll_oneoff 0");
    took = mono_ns() - t0;
    expect_u64("events for a zero timeout", n, 1);
    if (took > 1000 * MS) fail("poll_oneoff 0: %llu ms (expected at once)", (unsigned long long)(took / MS));
    puts("zero timeout: returned at once");
    return 0;
}
