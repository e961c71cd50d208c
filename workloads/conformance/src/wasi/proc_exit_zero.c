/* exit(0) ends the program at once with status 0: output printed before is
 * kept, code after the call never runs. */
#include "../check.h"

int main(void) {
    puts("before exit(0)");
    exit(0);
    puts("after exit(0): must not print");
    return 3;
}
