/* The C side of `make bench-bindings`: the per-call cost the Python and JS
 * packages are compared with. One memory store of 100k keys of 16 bytes and
 * values of 100 bytes; `get`: store_get + store_bytes_free on one hot key;
 * `get_many_1000`: store_get_many of 1000 random keys + store_bytes_free.
 * Prints `c<TAB>workload<TAB>ns per operation<TAB>operations`, the median
 * of 5 runs. bench.py and bench.mjs do the same in their languages. */
#define _POSIX_C_SOURCE 200809L

#include <string.h>

#include "bench.h"
#include "store.h"

enum { KEYS = 100000, KEY_LEN = 16, VAL_LEN = 100, BATCH = 1000, RUNS = 5 };

static void check(const char *what, store_status st) {
    if (st != STORE_OK) die(what, st);
}

static char keys[KEYS][KEY_LEN + 1];

int main(int argc, char **argv) {
    long gets = argc > 1 ? atol(argv[1]) : 1000000, batches = argc > 2 ? atol(argv[2]) : 500;
    store_t db = 0;
    check("open", store_open(":memory:", NULL, &db));
    uint8_t val[VAL_LEN];
    for (int i = 0; i < VAL_LEN; i++) val[i] = (uint8_t)('a' + i % 26);
    for (int i = 0; i < KEYS; i++) {
        snprintf(keys[i], sizeof keys[i], "k%015d", i);
        check("set", store_set(db, (const uint8_t *)keys[i], KEY_LEN, val, VAL_LEN, 0));
    }
    static store_kv batch[BATCH];
    uint64_t rng = 1;
    for (int i = 0; i < BATCH; i++) {
        rng = rng * 6364136223846793005ull + 1442695040888963407ull;
        batch[i] = (store_kv){(const uint8_t *)keys[(rng >> 33) % KEYS], KEY_LEN, NULL, 0, 0};
    }
    double ns[RUNS];
    for (int r = 0; r < RUNS; r++) {
        double t0 = now_ns();
        for (long i = 0; i < gets; i++) {
            store_bytes b = {NULL, 0};
            check("get", store_get(db, (const uint8_t *)keys[42], KEY_LEN, &b));
            store_bytes_free(&b);
        }
        ns[r] = (now_ns() - t0) / (double)gets;
    }
    qsort(ns, RUNS, sizeof ns[0], cmp_double);
    printf("c\tget\t%.1f\t%ld\n", ns[RUNS / 2], gets);
    for (int r = 0; r < RUNS; r++) {
        double t0 = now_ns();
        for (long i = 0; i < batches; i++) {
            store_bytes b = {NULL, 0};
            check("get_many", store_get_many(db, batch, BATCH, &b));
            store_bytes_free(&b);
        }
        ns[r] = (now_ns() - t0) / (double)batches;
    }
    qsort(ns, RUNS, sizeof ns[0], cmp_double);
    printf("c\tget_many_1000\t%.1f\t%ld\n", ns[RUNS / 2], batches);
    check("close", store_close(db));
    return store_outstanding_buffers() != 0;
}
