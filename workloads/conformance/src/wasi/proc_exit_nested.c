/* exit from deep inside nested calls: the status of exit(7) called 20
 * frames down is the program's, the atexit handler runs once and its output
 * is kept, and the frames below never return. */
#include "../check.h"

static void handler(void) { puts("atexit handler ran"); }

static __attribute__((noinline)) int dive(int depth) {
    if (depth == 20) {
        printf("at depth %d: exit(7)\n", depth);
        exit(7);
    }
    int r = dive(depth + 1);
    puts("returned from a frame: must not print");
    return r + 1;
}

int main(void) {
    atexit(handler);
    dive(0);
    puts("back in main: must not print");
    return 0;
}
