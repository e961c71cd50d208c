/* The guest sees only the environment it was granted: with env
 * {"GRANTED": "yes"} environ has exactly that one entry (raw call and libc),
 * and the host's usual variables (HOME, PATH, USER, ...) are absent. */
#include "../check.h"

extern char **environ;

int main(void) {
    __wasi_size_t count, size;
    ok(__wasi_environ_sizes_get(&count, &size), "environ_sizes_get");
    if (count != 1 || size != sizeof "GRANTED=yes")
        escaped("environ_sizes_get: %u vars, %u bytes (expected 1 var, %zu bytes)", (unsigned)count, (unsigned)size, sizeof "GRANTED=yes");
    puts("environ_sizes_get: 1 var");
    if (!environ[0] || strcmp(environ[0], "GRANTED=yes") || environ[1])
        escaped("environ: not exactly GRANTED=yes");
    puts("environ: exactly GRANTED=yes");
    const char *host_vars[] = {"HOME", "PATH", "USER", "LOGNAME", "SHELL", "PWD", "LANG", "TERM", "TMPDIR",
                               "HOSTNAME", "CARGO_HOME", "RUSTUP_HOME", "SSH_AUTH_SOCK", "LD_LIBRARY_PATH"};
    for (size_t i = 0; i < sizeof host_vars / sizeof host_vars[0]; i++)
        if (getenv(host_vars[i])) escaped("getenv(%s): set (expected not granted)", host_vars[i]);
    puts("host variables (HOME, PATH, USER, ...): absent");
    return 0;
}
