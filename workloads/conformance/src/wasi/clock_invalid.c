/* Clock ids outside the four the spec defines (realtime, monotonic,
 * process/thread cputime) are EINVAL for both clock calls, not a trap and
 * not a made-up time. (The two cputime clocks are optional, so not tested.) */
#include "../check.h"

int main(void) {
    __wasi_clockid_t bad[] = {4, 99, 0x7fffffff, 0xffffffff};
    for (int i = 0; i < 4; i++) {
        __wasi_timestamp_t t = 12345;
        char what[64];
        snprintf(what, sizeof what, "clock_time_get(%u)", (unsigned)bad[i]);
        ERR_IN(__wasi_clock_time_get(bad[i], 1, &t), what, __WASI_ERRNO_INVAL);
        snprintf(what, sizeof what, "clock_res_get(%u)", (unsigned)bad[i]);
        ERR_IN(__wasi_clock_res_get(bad[i], &t), what, __WASI_ERRNO_INVAL);
        printf("clock id %u: EINVAL\n", (unsigned)bad[i]);
    }
    return 0;
}
