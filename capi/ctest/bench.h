/* Helpers of the C timing loops: capi/ctest/bench_get.c and
 * bench/bindings/bench.c (which `make bench-bindings` compares with the
 * Python and JS packages). */
#ifndef STORE_CTEST_BENCH_H
#define STORE_CTEST_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "store.h"

static inline double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static inline int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Prints a failed call's status and message and exits. */
static inline void die(const char *what, store_status st) {
    char msg[256];
    store_last_error(msg, sizeof msg);
    fprintf(stderr, "%s: %s: %s\n", what, store_status_name(st), msg);
    exit(1);
}

#endif
