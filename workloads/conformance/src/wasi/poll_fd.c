/* poll_oneoff on descriptors: stdout is ready for writing at once (an
 * fd_write event with our userdata and no error, well before a 5 s clock
 * subscription), and stdin holding data is ready for reading. Then the data
 * is read. */
#include "../check.h"

#define MS 1000000ull

static __wasi_subscription_t fd_sub(uint64_t userdata, __wasi_eventtype_t type, __wasi_fd_t fd) {
    __wasi_subscription_t s;
    memset(&s, 0, sizeof s);
    s.userdata = userdata;
    s.u.tag = type;
    if (type == __WASI_EVENTTYPE_FD_READ) s.u.u.fd_read.file_descriptor = fd;
    else s.u.u.fd_write.file_descriptor = fd;
    return s;
}

static void poll_ready(__wasi_eventtype_t type, __wasi_fd_t fd, const char *what) {
    __wasi_subscription_t subs[2] = {fd_sub(fd + 100, type, fd)};
    memset(&subs[1], 0, sizeof subs[1]);
    subs[1].userdata = 99;
    subs[1].u.tag = __WASI_EVENTTYPE_CLOCK;
    subs[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    subs[1].u.u.clock.timeout = 5000 * MS;
    __wasi_event_t ev[2];
    __wasi_size_t n;
    uint64_t t0 = mono_ns();
    ok(__wasi_poll_oneoff(subs, ev, 2, &n), what);
    uint64_t took = mono_ns() - t0;
    if (n < 1 || n > 2) fail("%s: %u events (expected 1)", what, (unsigned)n);
    for (__wasi_size_t i = 0; i < n; i++) {
        if (ev[i].userdata == 99) fail("%s: the 5 s clock fired (expected the fd to be ready first)", what);
        if (ev[i].userdata != fd + 100u) fail("%s: userdata %llu (expected %u)", what, (unsigned long long)ev[i].userdata, fd + 100u);
        if (ev[i].type != type) fail("%s: event type %u (expected %u)", what, ev[i].type, type);
        if (ev[i].error) fail("%s: event error %s (expected none)", what, errname(ev[i].error));
    }
    if (took > 4000 * MS) fail("%s: took %llu ms (expected at once)", what, (unsigned long long)(took / MS));
}

int main(void) {
    poll_ready(__WASI_EVENTTYPE_FD_WRITE, 1, "poll_oneoff fd_write on stdout");
    puts("stdout: ready for writing");
    poll_ready(__WASI_EVENTTYPE_FD_READ, 0, "poll_oneoff fd_read on stdin");
    puts("stdin with data: ready for reading");
    char buf[64];
    __wasi_size_t n;
    ok(read_str(0, buf, sizeof buf, &n), "fd_read stdin");
    printf("stdin: %s", buf);
    return 0;
}
