/* poll_oneoff with an absolute deadline (SUBSCRIPTION_CLOCK_ABSTIME) on the
 * monotonic clock: the timeout is a point on that clock, so a deadline 30 ms
 * after a monotonic reading fires after at least 30 ms, well before a 2 s
 * relative clock in the same call; a deadline already past fires at once.
 * (A host that reads the deadline against another clock, or as a relative
 * delay, lets the 2 s clock fire first or sleeps for years.) */
#include "../check.h"

#define MS 1000000ull

static __wasi_subscription_t clock_sub(uint64_t userdata, uint64_t timeout, int abs) {
    __wasi_subscription_t s;
    memset(&s, 0, sizeof s);
    s.userdata = userdata;
    s.u.tag = __WASI_EVENTTYPE_CLOCK;
    s.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    s.u.u.clock.timeout = timeout;
    s.u.u.clock.flags = abs ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
    return s;
}

static uint64_t poll_abs(uint64_t deadline, const char *what) {
    __wasi_subscription_t subs[2] = {clock_sub(7, deadline, 1), clock_sub(2000, 2000 * MS, 0)};
    __wasi_event_t ev[2];
    __wasi_size_t n;
    uint64_t t0 = mono_ns();
    ok(__wasi_poll_oneoff(subs, ev, 2, &n), what);
    uint64_t took = mono_ns() - t0;
    if (n < 1) fail("%s: no events (expected the deadline's)", what);
    if (ev[0].userdata != 7) fail("%s: the 2 s relative clock fired first (expected the absolute deadline)", what);
    if (ev[0].type != __WASI_EVENTTYPE_CLOCK || ev[0].error) fail("%s: event type %u error %s (expected clock, none)", what, ev[0].type, errname(ev[0].error));
    return took;
}

int main(void) {
    uint64_t now = mono_ns();
    uint64_t took = poll_abs(now + 30 * MS, "poll_oneoff absolute +30 ms");
    if (mono_ns() < now + 30 * MS) fail("poll_oneoff absolute +30 ms: returned %llu ms early", (unsigned long long)((now + 30 * MS - mono_ns()) / MS));
    (void)took;
    puts("absolute deadline +30 ms: fired at the deadline, before the 2 s clock");
    took = poll_abs(mono_ns() - 1, "poll_oneoff absolute, already past");
    if (took > 1000 * MS) fail("poll_oneoff absolute, already past: %llu ms (expected at once)", (unsigned long long)(took / MS));
    puts("absolute deadline in the past: fired at once");
    return 0;
}
