/* Buffered output is flushed by exit even when the last line has no newline
 * and the status is non-zero: all 50 lines (more than one stdio buffer, so
 * some are written before exit and the rest by it) and then "partial line,
 * no newline" reach stdout in order, and stderr gets its partial text too. */
#include "../check.h"

int main(void) {
    for (int i = 1; i <= 50; i++) printf("buffered line %02d of 50\n", i);
    printf("partial line, no newline");
    fprintf(stderr, "stderr partial");
    exit(5);
}
