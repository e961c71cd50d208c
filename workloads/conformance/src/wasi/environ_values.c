/* The environment is exactly what the host grants, with values kept whole:
 * a value containing '=' (only the first '=' separates the name), a unicode
 * value and an empty value. environ is printed sorted, since hosts may pass
 * variables in any order. */
#include "../check.h"

extern char **environ;

static int by_str(const void *a, const void *b) { return strcmp(*(char **)a, *(char **)b); }

static void expect_env(const char *name, const char *want) {
    const char *got = getenv(name);
    if (!got) fail("getenv(%s): NULL (expected \"%s\")", name, want);
    expect_str(name, got, want);
    printf("getenv(%s): [%s]\n", name, got);
}

int main(void) {
    int n = 0;
    while (environ[n]) n++;
    printf("environ: %d entries\n", n);
    char **sorted = malloc(n * sizeof *sorted);
    memcpy(sorted, environ, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, by_str);
    for (int i = 0; i < n; i++) printf("  %s\n", sorted[i]);
    expect_env("PLAIN", "value");
    expect_env("EQUALS", "a=b=c");
    expect_env("UNICODE", "grüße ✓");
    expect_env("EMPTY", "");
    if (getenv("MISSING")) fail("getenv(MISSING): set (expected NULL)");
    puts("getenv(MISSING): NULL");
    if (n != 4) fail("environ count: %d (expected 4)", n);
    return 0;
}
