/* An endless loop that the optimiser cannot remove (it updates a volatile):
 * only the runtime's time budget can stop it. The run must end as a
 * timeout, not hang the runner. */
#include <stdio.h>

int main(void) {
    puts("looping forever");
    fflush(stdout);
    volatile unsigned long x = 0;
    for (;;) x++;
}
