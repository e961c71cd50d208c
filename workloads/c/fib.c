/* Call-heavy recursion: naive fib(N) and ackermann(2, N), nothing but calls and adds. */
#include <stdio.h>
#include <stdlib.h>
#include "bench.h"

__attribute__((noinline)) static long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

__attribute__((noinline)) static long ack(long m, long n) {
    if (m == 0) return n + 1;
    if (n == 0) return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 25;
    bench_start();
    long f = fib(n);
    long a = ack(2, n * 40);
    bench_end();
    printf("fib(%d)=%ld ack(2,%d)=%ld\n", n, f, n * 40, a);
    return 0;
}
