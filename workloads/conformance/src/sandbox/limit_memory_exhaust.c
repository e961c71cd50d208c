/* Allocating 1 MiB blocks until malloc fails: under the runner's 256 MiB cap
 * malloc must return NULL (memory.grow -1) before 256 blocks, and the
 * program then frees everything and carries on, instead of the runtime
 * trapping, aborting or letting the guest take the host's memory. */
#include "../check.h"

int main(void) {
    static void *blocks[4096];
    int n = 0;
    while (n < 4096 && (blocks[n] = malloc(1 << 20)) != NULL) {
        /* Touch every page, so the memory is really there (cheaply, for interpreters). */
        for (int at = 0; at < (1 << 20); at += 4096) ((volatile char *)blocks[n])[at] = (char)n;
        n++;
    }
    if (n >= 256) fail("allocated %d MiB (expected malloc to fail below 256 MiB)", n);
    if (n < 64) fail("allocated only %d MiB (expected most of the 256 MiB cap)", n);
    puts("malloc: NULL before 256 MiB");
    for (int i = 0; i < n; i++) free(blocks[i]);
    void *again = malloc(16 << 20);
    if (!again) fail("malloc(16 MiB) after freeing: NULL (expected success)");
    puts("after freeing: allocation works again");
    return 0;
}
