/* sched_yield succeeds, 1000 times in a row, through the raw call and
 * through libc's sched_yield(). */
#include <sched.h>
#include "../check.h"

int main(void) {
    for (int i = 0; i < 1000; i++) ok(__wasi_sched_yield(), "sched_yield");
    puts("sched_yield: 1000 calls ok");
    for (int i = 0; i < 10; i++)
        if (sched_yield()) fail("libc sched_yield: -1 (expected 0)");
    puts("libc sched_yield: ok");
    return 0;
}
