/* argv as the host passes it: argc counts argv[0] plus every argument, each
 * argument arrives unchanged and in order (spaces stay inside one argument),
 * and argv[argc] is NULL. */
#include "../check.h"

int main(int argc, char **argv) {
    printf("argc: %d\n", argc);
    for (int i = 0; i < argc; i++) printf("argv[%d]: [%s]\n", i, argv[i]);
    if (argv[argc] != NULL) fail("argv[argc]: not NULL (expected NULL)");
    puts("argv[argc]: NULL");
    return 0;
}
