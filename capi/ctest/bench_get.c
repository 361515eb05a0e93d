/* Times store_get + store_bytes_free on random existing keys of a memory
 * store: 100k keys of 16 bytes, values of 100 bytes, 2,000,000 calls per
 * run, and reports the median ns/call of 5 runs. Built by `make test-c`,
 * not run by it: build/ctest/bench_get. Compare with
 * `go test -run '^$' -bench BenchmarkGet ./store` (store/bench_get_test.go). */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "store.h"

enum { KEYS = 100000, KEY_LEN = 16, VAL_LEN = 100, CALLS = 2000000, RUNS = 5 };

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t next_rand(void) { /* xorshift64 */
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 32);
}

int main(void) {
    store_t db = 0;
    store_status st = store_open(":memory:", NULL, &db);
    if (st != STORE_OK) {
        die("store_open", st);
    }
    static char keys[KEYS][KEY_LEN + 1];
    uint8_t val[VAL_LEN];
    for (int i = 0; i < VAL_LEN; i++) {
        val[i] = (uint8_t)('a' + i % 26);
    }
    for (int i = 0; i < KEYS; i++) {
        snprintf(keys[i], sizeof keys[i], "k%015d", i);
        if ((st = store_set(db, (const uint8_t *)keys[i], KEY_LEN, val, VAL_LEN, 0)) != STORE_OK) {
            die("store_set", st);
        }
    }
    uint32_t *order = malloc(sizeof *order * CALLS);
    if (order == NULL) {
        return 1;
    }
    for (int i = 0; i < CALLS; i++) {
        order[i] = next_rand() % KEYS;
    }
    double ns[RUNS];
    size_t total = 0;
    for (int r = 0; r < RUNS; r++) {
        double t0 = now_ns();
        for (int i = 0; i < CALLS; i++) {
            store_bytes b = {NULL, 0};
            st = store_get(db, (const uint8_t *)keys[order[i]], KEY_LEN, &b);
            if (st != STORE_OK) {
                die("store_get", st);
            }
            total += b.len;
            store_bytes_free(&b);
        }
        ns[r] = (now_ns() - t0) / CALLS;
        fprintf(stderr, "run %d: %.1f ns/call\n", r + 1, ns[r]);
    }
    if (total != (size_t)RUNS * CALLS * VAL_LEN || store_outstanding_buffers() != 0) {
        fprintf(stderr, "wrong byte count or leaked buffers\n");
        return 1;
    }
    qsort(ns, RUNS, sizeof ns[0], cmp_double);
    printf("store_get+store_bytes_free: %.1f ns/call (median of %d runs of %d calls, %d keys)\n", ns[RUNS / 2],
           RUNS, CALLS, KEYS);
    free(order);
    store_close(db);
    return 0;
}
