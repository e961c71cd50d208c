/* The raw proc_exit(3) ends the program at once with status 3; nothing after
 * it runs. Output goes through raw fd_write, since proc_exit does not flush
 * libc's buffers. */
#include "../check.h"

int main(void) {
    __wasi_size_t n;
    ok(write_str(1, "before proc_exit(3)\n", &n), "fd_write");
    __wasi_proc_exit(3);
    (void)write_str(1, "after proc_exit: must not print\n", &n);
    return 0;
}
