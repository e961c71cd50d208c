/* A non-zero exit status reaches the host unchanged: exit(42) after printing
 * to stdout and stderr, which are both flushed first. */
#include "../check.h"

int main(void) {
    puts("exiting with 42");
    fputs("to stderr before exit\n", stderr);
    exit(42);
}
