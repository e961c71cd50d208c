/* clock_res_get for the two clocks every runtime must have: realtime and
 * monotonic report a resolution above zero and no coarser than one second,
 * and clock_time_get accepts any precision hint (0 and a large one). */
#include "../check.h"

int main(void) {
    struct { __wasi_clockid_t id; const char *name; } clocks[] = {
        {__WASI_CLOCKID_REALTIME, "realtime"}, {__WASI_CLOCKID_MONOTONIC, "monotonic"}};
    for (int i = 0; i < 2; i++) {
        __wasi_timestamp_t res, t;
        char what[64];
        snprintf(what, sizeof what, "clock_res_get(%s)", clocks[i].name);
        ok(__wasi_clock_res_get(clocks[i].id, &res), what);
        if (res == 0 || res > 1000000000ull)
            fail("%s: %llu ns (expected 1 ns to 1 s)", what, (unsigned long long)res);
        printf("%s: between 1 ns and 1 s\n", what);
        snprintf(what, sizeof what, "clock_time_get(%s, precision 0)", clocks[i].name);
        ok(__wasi_clock_time_get(clocks[i].id, 0, &t), what);
        snprintf(what, sizeof what, "clock_time_get(%s, precision 1 s)", clocks[i].name);
        ok(__wasi_clock_time_get(clocks[i].id, 1000000000ull, &t), what);
        printf("clock_time_get(%s): any precision accepted\n", clocks[i].name);
    }
    return 0;
}
