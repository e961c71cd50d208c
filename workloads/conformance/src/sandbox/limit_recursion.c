/* Unbounded recursion on the Wasm call stack: the function calls itself
 * through a volatile function pointer (so clang can neither inline it nor
 * turn it into a loop) and does work after the call (so it is no tail
 * call). It keeps only scalars, so it uses no C shadow stack: every level is
 * a real Wasm frame. The runtime must stop it with a stack-overflow trap,
 * not crash the host. */
#include <stdio.h>

static unsigned long dive(unsigned long n);
static unsigned long (*volatile next)(unsigned long) = dive;

static unsigned long dive(unsigned long n) { return next(n + 1) * 3 + n; }

int main(void) {
    puts("recursing without end");
    fflush(stdout);
    printf("%lu\n", next(0));
    return 0;
}
