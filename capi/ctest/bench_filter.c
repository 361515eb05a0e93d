/* Times a box query through the C API (store_intersects and
 * store_intersects_ex: query, result buffer, store_bytes_free) over 100k
 * items with values of about 130 bytes, each query returning about 1,000
 * items unfiltered, against the same queries filtered inside the store so
 * that 100%, 10% and 1% of the items pass, in one run; and the same for the
 * 10 nearest. The cases take turns within each of 11 runs (so that a busy
 * machine slows them alike); it reports each one's median ns/query and its
 * ratio to the unfiltered query. Built by `make test-c`, not run by it:
 * build/ctest/bench_filter. The Go side: `go test -run '^$' -bench
 * FilteredQuery ./store` (store/filter_bench_test.go). */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

enum { ITEMS = 100000, QUERIES = 500, RUNS = 11 };

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static double next_unit(void) { /* xorshift64 */
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

static double qx[QUERIES], qy[QUERIES];

/* One run of every query: ns/query; hits gets the items returned per
 * query. */
static double time_queries(store_t db, int nearby, const store_query_opts *o, double *hits) {
    size_t got = 0;
    double t0 = now_ns();
    for (int q = 0; q < QUERIES; q++) {
        store_bytes b = {NULL, 0};
        double lo[2] = {qx[q], qy[q]}, hi[2] = {qx[q] + 100, qy[q] + 100};
        store_status st = nearby ? store_nearby_ex(db, "pos", lo, 2, 10, -1, o, &b)
                                 : store_intersects_ex(db, "pos", lo, hi, 2, 0, o, &b);
        if (st != STORE_OK) {
            die("query", st);
        }
        uint32_t n;
        memcpy(&n, b.ptr, 4);
        got += n;
        store_bytes_free(&b);
    }
    *hits = (double)got / QUERIES;
    return (now_ns() - t0) / QUERIES;
}

int main(void) {
    store_t db = 0;
    store_status st = store_open(":memory:", NULL, &db);
    if (st != STORE_OK) {
        die("store_open", st);
    }
    char pad[81];
    memset(pad, 'x', 80);
    pad[80] = 0;
    for (int i = 0; i < ITEMS; i++) {
        /* grp i%100 is in the key and the value: a key pattern and a JSON
         * condition pick the same share. */
        char key[32], val[256];
        int kl = snprintf(key, sizeof key, "obj:%02d:%d", i % 100, i);
        int vl = snprintf(val, sizeof val, "{\"pos\":[%.3f,%.3f],\"grp\":%d,\"pad\":\"%s\"}", next_unit() * 1000,
                          next_unit() * 1000, i % 100, pad);
        if ((st = store_set(db, (const uint8_t *)key, (size_t)kl, (const uint8_t *)val, (size_t)vl, 0)) != STORE_OK) {
            die("store_set", st);
        }
    }
    if ((st = store_create_spatial_index(db, "pos", "obj:*", "pos")) != STORE_OK) {
        die("store_create_spatial_index", st);
    }
    for (int q = 0; q < QUERIES; q++) {
        qx[q] = next_unit() * 900;
        qy[q] = next_unit() * 900;
    }
    store_where grp10 = {.path = "grp", .op = STORE_WHERE_RANGE, .min = 0, .max = 9};
    const struct {
        const char *name;
        store_query_opts o;
    } cases[] = {
        {"unfiltered", {0}},
        {"match 100%", {.match = "obj:*"}},
        {"match 10%", {.match = "obj:0?:*"}},
        {"match 1%", {.match = "obj:00:*"}},
        {"where 10%", {.where = &grp10, .where_len = 1}},
        {"match 10%, keys only", {.flags = STORE_QUERY_KEYS_ONLY, .match = "obj:0?:*"}},
        {"match 10%, count only", {.flags = STORE_QUERY_COUNT_ONLY, .match = "obj:0?:*"}},
    };
    enum { NCASES = (int)(sizeof cases / sizeof cases[0]) };
    for (int nearby = 0; nearby < 2; nearby++) {
        static double ns[NCASES][RUNS];
        double hits[NCASES];
        for (int r = 0; r < RUNS; r++) {
            for (int c = 0; c < NCASES; c++) {
                ns[c][r] = time_queries(db, nearby, c == 0 ? NULL : &cases[c].o, &hits[c]);
            }
        }
        double med[NCASES];
        for (int c = 0; c < NCASES; c++) {
            qsort(ns[c], RUNS, sizeof ns[c][0], cmp_double);
            med[c] = ns[c][RUNS / 2];
            printf("%-10s %-24s %10.0f ns/query %8.1f hits/query  ratio to unfiltered %.2f\n",
                   nearby ? "nearby k10" : "intersects", cases[c].name, med[c], hits[c], med[c] / med[0]);
        }
    }
    if (store_outstanding_buffers() != 0) {
        fprintf(stderr, "leaked buffers\n");
        return 1;
    }
    store_close(db);
    return 0;
}
