/* The smallest real WASI program: one line through fd_write. Measures
 * instantiation plus libc start-up, with nothing to time inside. */
#include <stdio.h>

int main(void) {
    printf("Hello, world!\n");
    return 0;
}
