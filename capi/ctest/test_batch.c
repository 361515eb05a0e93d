/* Batch queries: store_intersects_many, store_within_many,
 * store_nearby_many, and store_pairs. Each batch is checked against the
 * single-query calls it stands for, section by section, and every error
 * path leaves the output zeroed and the store unchanged. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "t.h"

#define D(...) ((const double[]){__VA_ARGS__})
#define MAXH 256

enum { Q_INTERSECTS, Q_WITHIN, Q_NEARBY };
static const char *const qname[] = {"intersects_many", "within_many", "nearby_many"};

/* Whether two hit lists hold the same hits (key, value, distance); in the
 * same order when ordered, else as sets (keys are unique in a result). */
static int same_hits(const hit *a, long na, const hit *b, long nb, int ordered) {
    if (na != nb || na < 0) {
        return 0;
    }
    for (long i = 0; i < na; i++) {
        char key[128];
        size_t kl = a[i].key_len < sizeof key - 1 ? a[i].key_len : sizeof key - 1;
        memcpy(key, a[i].key, kl);
        key[kl] = 0;
        long j = find_hit(b, nb, key);
        if (j < 0 || b[j].val_len != a[i].val_len || b[j].dist != a[i].dist ||
            memcmp(b[j].val, a[i].val, a[i].val_len) != 0) {
            return 0;
        }
        /* Nearest first: ties may come in either order, distances may not. */
        if (ordered && b[i].dist != a[i].dist) {
            return 0;
        }
    }
    return 1;
}

/* The single-query call that query q of a batch stands for. */
static store_status single(int kind, store_t h, const char *ix, const double *a, const double *b, size_t dims,
                           size_t q, size_t limit, double maxd, store_bytes *out) {
    switch (kind) {
    case Q_INTERSECTS:
        return store_intersects(h, ix, a + q * dims, b + q * dims, dims, limit, out);
    case Q_WITHIN:
        return store_within(h, ix, a + q * dims, b + q * dims, dims, limit, out);
    default:
        return store_nearby(h, ix, a + q * dims, dims, limit, maxd, out);
    }
}

static store_status batch(int kind, store_t h, const char *ix, const double *a, const double *b, size_t dims,
                          size_t n, size_t limit, double maxd, store_bytes *out) {
    switch (kind) {
    case Q_INTERSECTS:
        return store_intersects_many(h, ix, a, b, dims, n, limit, out);
    case Q_WITHIN:
        return store_within_many(h, ix, a, b, dims, n, limit, out);
    default:
        return store_nearby_many(h, ix, a, dims, n, limit, maxd, out);
    }
}

/* Runs a batch and checks each of its n sections against the single call;
 * writes each query's hit count to counts (n entries) when not NULL. */
static void check_batch_at(int kind, store_t h, const char *ix, const double *a, const double *b, size_t dims,
                           size_t n, size_t limit, double maxd, long *counts, const char *file, int line) {
    char what[128];
    snprintf(what, sizeof what, "%s of %zu on %s (limit %zu)", qname[kind], n, ix, limit);
    store_bytes out = junk_bytes();
    t_statusf(batch(kind, h, ix, a, b, dims, n, limit, maxd, &out), STORE_OK, file, line, what);
    t_result(out.ptr != NULL, file, line, "batch buffer is not NULL", what);
    static hit got[MAXH], want[MAXH];
    size_t off = 0;
    for (size_t q = 0; q < n; q++) {
        size_t used = 0;
        long ng = out.ptr == NULL ? -1 : decode_part(out.ptr + off, out.len - off, &used, got, MAXH);
        store_bytes one = junk_bytes();
        store_status st = single(kind, h, ix, a, b, dims, q, limit, maxd, &one);
        long nw = st == STORE_OK ? decode(&one, want, MAXH) : -1;
        char detail[256];
        snprintf(detail, sizeof detail, "%s: query %zu: %ld hits, the single call %ld", what, q, ng, nw);
        t_result(ng >= 0 && same_hits(got, ng, want, nw, kind == Q_NEARBY), file, line, "section equals the single call",
                 detail);
        if (kind != Q_NEARBY) {
            for (long i = 0; i < ng; i++) {
                t_result(got[i].dist == 0.0, file, line, "box hits have distance 0", detail);
            }
        }
        if (limit > 0) {
            t_result(ng <= (long)limit, file, line, "at most limit hits per query", detail);
        }
        if (counts != NULL) {
            counts[q] = ng;
        }
        store_bytes_free(&one);
        if (ng < 0) {
            break;
        }
        off += used;
    }
    t_result(out.ptr != NULL && off == out.len, file, line, "sections fill the buffer exactly", what);
    store_bytes_free(&out);
}
#define CHECK_BATCH(kind, h, ix, a, b, dims, n, limit, maxd, counts) \
    check_batch_at((kind), (h), (ix), (a), (b), (dims), (n), (limit), (maxd), (counts), __FILE__, __LINE__)

/* An empty batch: OK with an empty, non-NULL buffer. */
static void expect_empty_at(int kind, store_t h, const char *ix, size_t dims, const char *file, int line) {
    store_bytes out = junk_bytes();
    t_statusf(batch(kind, h, ix, NULL, NULL, dims, 0, 0, -1, &out), STORE_OK, file, line, qname[kind]);
    t_result(out.ptr != NULL && out.ptr != junk_bytes().ptr && out.len == 0, file, line, "empty batch: empty buffer",
             qname[kind]);
    store_bytes_free(&out);
    t_result(out.ptr == NULL && out.len == 0, file, line, "freed", qname[kind]);
}
#define EXPECT_EMPTY(kind, h, ix, dims) expect_empty_at((kind), (h), (ix), (dims), __FILE__, __LINE__)

/* A failing call: the status, a message, the output zeroed, and the store
 * unchanged (its length and a probe key). */
static void expect_fail_at(store_status st, store_status want, store_bytes *out, store_t probe, uint64_t len_before,
                           const char *file, int line, const char *call) {
    t_errorf(st, want, file, line, call);
    t_result(out->ptr == NULL && out->len == 0, file, line, "output zeroed", call);
    if (probe != 0) {
        t_result(len_of(probe) == len_before, file, line, "nothing changed (len)", call);
        expect_value_at(probe, "g:0_0", "[0 0]", file, line);
    }
}
#define FAIL(call, want, probe, n)                                                       \
    do {                                                                               \
        store_bytes o_ = junk_bytes();                                                 \
        store_bytes *out = &o_;                                                        \
        expect_fail_at((call), (want), out, (probe), (n), __FILE__, __LINE__, #call);  \
    } while (0)
/* The same for a call given out = NULL. */
#define FAILN(call, want, probe, n)                                                      \
    do {                                                                               \
        store_bytes o_ = {NULL, 0};                                                    \
        expect_fail_at((call), (want), &o_, (probe), (n), __FILE__, __LINE__, #call); \
    } while (0)

/* ---- Pairs against brute force ------------------------------------------ */

typedef struct item {
    const char *key;
    double lo[2], hi[2];
} item;

static const item pair_items[] = {
    {"pr:p:ann", {0, 0}, {0, 0}},     {"pr:p:bob", {1, 0}, {1, 0}},     {"pr:i:axe", {0, 3}, {0, 3}},
    {"pr:i:box", {2, -1}, {3, 1}},    {"pr:p:cat", {10, 10}, {10, 10}}, {"pr:i:far", {100, 100}, {100, 100}},
    {"pr:i:gem", {2.5, 0}, {2.5, 0}}, {"pr:p:dan", {3, 4}, {3, 4}},
};
#define NPAIR_ITEMS (sizeof pair_items / sizeof pair_items[0])

static double item_dist(const item *a, const item *b) {
    double s = 0;
    for (int i = 0; i < 2; i++) {
        double d = 0;
        if (a->hi[i] < b->lo[i]) {
            d = b->lo[i] - a->hi[i];
        } else if (b->hi[i] < a->lo[i]) {
            d = a->lo[i] - b->hi[i];
        }
        s += d * d;
    }
    return sqrt(s);
}

/* The patterns used here are a prefix and '*'. */
static int matches(const char *key, const char *pattern) {
    if (pattern == NULL || pattern[0] == 0) {
        return 1;
    }
    size_t pl = strlen(pattern) - 1;
    return pattern[pl] == '*' && strncmp(key, pattern, pl) == 0;
}

static int hit_key_is(const hit *h, const char *key) {
    return h->key_len == strlen(key) && memcmp(h->key, key, h->key_len) == 0;
}

static void item_value(const item *it, char *buf, size_t cap) {
    if (it->lo[0] == it->hi[0] && it->lo[1] == it->hi[1]) {
        snprintf(buf, cap, "[%g %g]", it->lo[0], it->lo[1]);
    } else {
        snprintf(buf, cap, "[%g %g],[%g %g]", it->lo[0], it->lo[1], it->hi[0], it->hi[1]);
    }
}

/* store_pairs on h equals the brute force over pair_items (minus the keys
 * in gone, a NULL-terminated list). Returns the number of pairs. */
static long check_pairs_at(store_t h, double maxd, const char *pattern, const char *const *gone, const char *file,
                           int line) {
    char what[128];
    snprintf(what, sizeof what, "pairs max_dist %g pattern %s", maxd, pattern ? pattern : "NULL");
    store_bytes out = junk_bytes();
    t_statusf(store_pairs(h, "pairs", maxd, pattern, &out), STORE_OK, file, line, what);
    static hit hits[MAXH];
    long n = decode(&out, hits, MAXH);
    t_result(n >= 0 && n % 2 == 0, file, line, "pairs decode, two hits each", what);
    int live[NPAIR_ITEMS];
    for (size_t i = 0; i < NPAIR_ITEMS; i++) {
        live[i] = 1;
        for (const char *const *g = gone; g != NULL && *g != NULL; g++) {
            live[i] = live[i] && strcmp(*g, pair_items[i].key) != 0;
        }
    }
    long want = 0;
    for (size_t i = 0; i < NPAIR_ITEMS; i++) {
        for (size_t j = i + 1; j < NPAIR_ITEMS; j++) {
            const item *a = &pair_items[i], *b = &pair_items[j];
            double d = item_dist(a, b);
            int ma = matches(a->key, pattern), mb = matches(b->key, pattern);
            if (!live[i] || !live[j] || d > maxd || (!ma && !mb)) {
                continue;
            }
            want++;
            /* Which comes first: the matching key, the smaller if both do. */
            if ((ma && mb && strcmp(b->key, a->key) < 0) || (!ma && mb)) {
                const item *t = a;
                a = b;
                b = t;
            }
            int found = 0;
            for (long k = 0; n > 0 && k < n; k += 2) {
                if (hit_key_is(&hits[k], a->key) && hit_key_is(&hits[k + 1], b->key)) {
                    found++;
                    char va[64], vb[64];
                    item_value(a, va, sizeof va);
                    item_value(b, vb, sizeof vb);
                    t_result(hit_is(&hits[k], a->key, va) && hit_is(&hits[k + 1], b->key, vb), file, line,
                             "pair values", a->key);
                    t_result(fabs(hits[k].dist - d) < 1e-9 && hits[k].dist == hits[k + 1].dist, file, line,
                             "pair distance on both hits", a->key);
                }
            }
            char detail[320];
            snprintf(detail, sizeof detail, "%s: pair %s, %s (%g) found %d times in that order", what, a->key, b->key,
                     d, found);
            t_result(found == 1, file, line, "each pair once, in order", detail);
        }
    }
    char detail[256];
    snprintf(detail, sizeof detail, "%s: %ld hits, want %ld pairs", what, n, want);
    t_result(n == 2 * want, file, line, "no other pairs", detail);
    store_bytes_free(&out);
    return want;
}
#define CHECK_PAIRS(h, maxd, pattern, gone) check_pairs_at((h), (maxd), (pattern), (gone), __FILE__, __LINE__)

void test_batch(void) {
    store_t db = open_memory();
    /* A 5x5 grid of points, a box, and a 3-d point, as rect text. */
    OK(store_create_spatial_index(db, "grid", "g:*", NULL));
    OK(store_create_index(db, "ordered", "g:*", STORE_INDEX_STRING, NULL));
    for (int x = 0; x < 5; x++) {
        for (int y = 0; y < 5; y++) {
            char k[16], v[32];
            snprintf(k, sizeof k, "g:%d_%d", x, y);
            snprintf(v, sizeof v, "[%d %d]", x, y);
            OK(store_set(db, (const uint8_t *)k, strlen(k), (const uint8_t *)v, strlen(v), 0));
        }
    }
    OK(store_set(db, B("g:box"), B("[10 10],[12 12]"), 0));
    OK(store_set(db, B("g:3d"), B("[1 1 7]"), 0));
    OK(store_set(db, B("other"), B("not geometry"), 0));
    uint64_t n0 = len_of(db);

    /* Box batches: a query with no hits in the middle, one that touches the
     * box, one over everything, one of a single point. */
    const double mins[] = {0, 0, 50, 50, 1.5, 1.5, 11, 11, -INFINITY, -INFINITY, 2, 2};
    const double maxs[] = {1, 1, 60, 60, 3.5, 3.5, 20, 20, INFINITY, INFINITY, 2, 2};
    long counts[6];
    for (int kind = Q_INTERSECTS; kind <= Q_WITHIN; kind++) {
        CHECK_BATCH(kind, db, "grid", mins, maxs, 2, 6, 0, 0, counts);
        CHECK(counts[0] >= 4);  /* and g:3d, whose first two dims are (1, 1), as the single call says */
        CHECK(counts[1] == 0);  /* nothing there */
        CHECK(counts[2] == 4);
        CHECK(counts[3] == (kind == Q_INTERSECTS ? 1 : 0)); /* the box sticks out of [11,20] */
        CHECK(counts[4] >= 26);
        CHECK(counts[5] == 1);
        CHECK_BATCH(kind, db, "grid", mins, maxs, 2, 6, 2, 0, counts); /* limit per query */
        CHECK(counts[0] == 2 && counts[1] == 0 && counts[4] == 2 && counts[5] == 1);
        CHECK_BATCH(kind, db, "grid", mins + 2, maxs + 2, 2, 1, 0, 0, counts); /* a batch of one, no hits */
        CHECK(counts[0] == 0);
        CHECK_BATCH(kind, db, "grid", D(0, 0, 0), D(2, 2, 10), 3, 1, 0, 0, counts); /* 3-d */
        CHECK_BATCH(kind, db, "grid", D(0, 4), D(1, 5), 1, 2, 0, 0, counts);     /* 1-d: two boxes */
        CHECK(counts[0] >= 10 && counts[1] == 5);
        EXPECT_EMPTY(kind, db, "grid", 2);
        EXPECT_EMPTY(kind, db, "grid", 20);
    }
    /* The raw layout of a batch: u32 count per query, hits after it. */
    store_bytes raw = junk_bytes();
    OK(store_intersects_many(db, "grid", D(50, 50, 4, 4, 70, 70), D(60, 60, 4, 4, 80, 80), 2, 3, 0, &raw));
    CHECK(raw.len == 4 + (4 + STORE_HIT_HEADER + 5 + 5) + 4);
    if (raw.len == 4 + (4 + STORE_HIT_HEADER + 5 + 5) + 4) {
        static const uint8_t want[] = {0, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        CHECK(memcmp(raw.ptr, want, sizeof want) == 0);
        CHECK(memcmp(raw.ptr + sizeof want, "g:4_4[4 4]", 10) == 0);
        CHECK(memcmp(raw.ptr + sizeof want + 10, "\0\0\0\0", 4) == 0);
    }
    store_bytes_free(&raw);

    /* Nearby batches: k, max_dist, a far point with a bound in the middle. */
    const double pts[] = {0, 0, 2.2, 2.9, 500, 500, 11, 13, -3, 2};
    CHECK_BATCH(Q_NEARBY, db, "grid", pts, NULL, 2, 5, 0, -1, counts);
    CHECK(counts[0] == 27 && counts[2] == 27);
    CHECK_BATCH(Q_NEARBY, db, "grid", pts, NULL, 2, 5, 3, -1, counts);
    CHECK(counts[0] == 3 && counts[1] == 3 && counts[2] == 3);
    CHECK_BATCH(Q_NEARBY, db, "grid", pts, NULL, 2, 5, 0, 1.0, counts);
    CHECK(counts[0] == 3 && counts[2] == 0 && counts[3] == 1 && counts[4] == 0); /* g:3d is at (1,1): sqrt 2 */
    CHECK_BATCH(Q_NEARBY, db, "grid", pts, NULL, 2, 5, 2, 3.0, counts);
    CHECK_BATCH(Q_NEARBY, db, "grid", pts, NULL, 2, 5, 0, INFINITY, counts);
    CHECK(counts[2] == 27);
    CHECK_BATCH(Q_NEARBY, db, "grid", D(1, 1, 7, 0, 0, 0), NULL, 3, 2, 0, -1, counts);
    EXPECT_EMPTY(Q_NEARBY, db, "grid", 2);
    /* The distances of a section are the real ones, nearest first. */
    OK(store_nearby_many(db, "grid", D(500, 500, 15, 12), 2, 2, 1, -1, &raw));
    {
        size_t used = 0;
        hit h[4];
        CHECK(decode_part(raw.ptr, raw.len, &used, h, 4) == 1 && hit_is(&h[0], "g:box", "[10 10],[12 12]"));
        size_t used2 = 0;
        CHECK(decode_part(raw.ptr + used, raw.len - used, &used2, h, 4) == 1 && hit_is(&h[0], "g:box", "[10 10],[12 12]") &&
              fabs(h[0].dist - 3.0) < 1e-12 && used + used2 == raw.len);
    }
    store_bytes_free(&raw);

    /* Inside a write transaction, batches see its uncommitted writes; the
     * database-level call from this thread would deadlock. */
    store_t tx = 0;
    OK(store_begin(db, 1, &tx));
    OK(store_set(tx, B("g:new"), B("[50 55]"), 0));
    OK(store_delete(tx, B("g:0_0")));
    for (int kind = Q_INTERSECTS; kind <= Q_WITHIN; kind++) {
        CHECK_BATCH(kind, tx, "grid", mins, maxs, 2, 6, 0, 0, counts);
        CHECK(counts[0] >= 3 && counts[1] == 1);
    }
    CHECK_BATCH(Q_NEARBY, tx, "grid", D(50, 50, 0, 0), NULL, 2, 2, 1, -1, counts);
    CHECK(counts[0] == 1 && counts[1] == 1);
    FAIL(store_intersects_many(db, "grid", mins, maxs, 2, 6, 0, out), STORE_ERR_WOULD_DEADLOCK, 0, 0);
    FAIL(store_within_many(db, "grid", mins, maxs, 2, 6, 0, out), STORE_ERR_WOULD_DEADLOCK, 0, 0);
    FAIL(store_nearby_many(db, "grid", pts, 2, 5, 0, -1, out), STORE_ERR_WOULD_DEADLOCK, 0, 0);
    FAIL(store_pairs(db, "grid", 1, NULL, out), STORE_ERR_WOULD_DEADLOCK, 0, 0);
    /* A failed batch inside the transaction leaves it going. */
    FAIL(store_intersects_many(tx, "grid", D(0, 0, 1, 1), D(1, 1, 0, 0), 2, 2, 0, out), STORE_ERR_INVALID_ARG, 0, 0);
    EXPECT_VALUE(tx, "g:new", "[50 55]");
    OK(store_rollback(tx));
    EXPECT_ABSENT(db, "g:new");
    EXPECT_VALUE(db, "g:0_0", "[0 0]");
    CHECK(len_of(db) == n0);
    /* A read transaction works the same. */
    OK(store_begin(db, 0, &tx));
    CHECK_BATCH(Q_WITHIN, tx, "grid", mins, maxs, 2, 6, 0, 0, counts);
    CHECK_BATCH(Q_NEARBY, tx, "grid", pts, NULL, 2, 5, 2, -1, counts);
    OK(store_commit(tx));

    /* ---- Error paths ---- */
    double d21[21] = {0};
    const double nan_box[] = {0, 0, 1, 1, NAN, 0};
    const double ones[] = {1, 1, 1, 1, 1, 1};
    const double swapped[] = {0, 0, 0, 0, 2, 0}; /* box 2: min 2 > max 1 */
    for (int kind = Q_INTERSECTS; kind <= Q_WITHIN; kind++) {
        typedef store_status (*manyq)(store_t, const char *, const double *, const double *, size_t, size_t,
                                      size_t, store_bytes *);
        manyq f = kind == Q_INTERSECTS ? store_intersects_many : store_within_many;
        FAILN(f(db, "grid", mins, maxs, 2, 6, 0, NULL), STORE_ERR_INVALID_ARG, db, n0);
        FAIL(f(db, NULL, mins, maxs, 2, 6, 0, out), STORE_ERR_INVALID_ARG, db, n0);
        FAIL(f(db, "grid", NULL, maxs, 2, 6, 0, out), STORE_ERR_INVALID_ARG, db, n0);
        FAIL(f(db, "grid", mins, NULL, 2, 6, 0, out), STORE_ERR_INVALID_ARG, db, n0);
        FAIL(f(db, "grid", mins, maxs, 0, 6, 0, out), STORE_ERR_INVALID_ARG, db, n0);
        FAIL(f(db, "grid", NULL, NULL, 0, 0, 0, out), STORE_ERR_INVALID_ARG, db, n0); /* dims checked when empty */
        FAIL(f(db, "grid", d21, d21, 21, 1, 0, out), STORE_ERR_INVALID_ARG, db, n0);
        FAIL(f(db, "grid", NULL, NULL, 21, 0, 0, out), STORE_ERR_INVALID_ARG, db, n0);
        /* nboxes * dims overflows size_t: refused before anything is read
         * (over the batch limit, which is checked first). */
        FAIL(f(db, "grid", mins, maxs, 2, SIZE_MAX / 2 + 1, 0, out), STORE_ERR_LIMIT, db, n0);
        FAIL(f(db, "grid", mins, maxs, 20, SIZE_MAX / 20 + 1, 0, out), STORE_ERR_LIMIT, db, n0);
        FAIL(f(db, "grid", mins, maxs, 1, SIZE_MAX, 0, out), STORE_ERR_LIMIT, db, n0);
        FAIL(f(db, "grid", nan_box, ones, 2, 3, 0, out), STORE_ERR_INVALID_ARG, db, n0);
        char msg[512];
        store_last_error(msg, sizeof msg);
        CHECK_MSG(strstr(msg, "box 2") != NULL, msg);
        FAIL(f(db, "grid", ones, nan_box, 2, 3, 0, out), STORE_ERR_INVALID_ARG, db, n0);
        FAIL(f(db, "grid", swapped, ones, 2, 3, 0, out), STORE_ERR_INVALID_ARG, db, n0);
        store_last_error(msg, sizeof msg);
        CHECK_MSG(strstr(msg, "box 2") != NULL, msg);
        FAIL(f(db, "", mins, maxs, 2, 6, 0, out), STORE_ERR_INVALID_ARG, db, n0);
        FAIL(f(db, "nope", mins, maxs, 2, 6, 0, out), STORE_ERR_NO_INDEX, db, n0);
        FAIL(f(db, "ordered", mins, maxs, 2, 6, 0, out), STORE_ERR_NO_INDEX, db, n0);
        FAIL(f(db, "nope", NULL, NULL, 2, 0, 0, out), STORE_ERR_NO_INDEX, db, n0); /* empty: index checked */
        FAIL(f(db, "ordered", NULL, NULL, 2, 0, 0, out), STORE_ERR_NO_INDEX, db, n0);
    }
    const double nan_pts[] = {0, 0, 1, NAN};
    const double inf_pts[] = {0, 0, INFINITY, 1};
    FAILN(store_nearby_many(db, "grid", pts, 2, 5, 0, -1, NULL), STORE_ERR_INVALID_ARG, db, n0);
    FAIL(store_nearby_many(db, NULL, pts, 2, 5, 0, -1, out), STORE_ERR_INVALID_ARG, db, n0);
    FAIL(store_nearby_many(db, "grid", NULL, 2, 5, 0, -1, out), STORE_ERR_INVALID_ARG, db, n0);
    FAIL(store_nearby_many(db, "grid", pts, 0, 5, 0, -1, out), STORE_ERR_INVALID_ARG, db, n0);
    FAIL(store_nearby_many(db, "grid", NULL, 0, 0, 0, -1, out), STORE_ERR_INVALID_ARG, db, n0);
    FAIL(store_nearby_many(db, "grid", d21, 21, 1, 0, -1, out), STORE_ERR_INVALID_ARG, db, n0);
    FAIL(store_nearby_many(db, "grid", pts, 2, SIZE_MAX / 2 + 1, 0, -1, out), STORE_ERR_LIMIT, db, n0);
    FAIL(store_nearby_many(db, "grid", nan_pts, 2, 2, 0, -1, out), STORE_ERR_INVALID_ARG, db, n0);
    {
        char msg[512];
        store_last_error(msg, sizeof msg);
        CHECK_MSG(strstr(msg, "point 1") != NULL, msg);
    }
    FAIL(store_nearby_many(db, "grid", inf_pts, 2, 2, 0, -1, out), STORE_ERR_INVALID_ARG, db, n0);
    FAIL(store_nearby_many(db, "grid", pts, 2, 5, 0, NAN, out), STORE_ERR_INVALID_ARG, db, n0);
    FAIL(store_nearby_many(db, "grid", NULL, 2, 0, 0, NAN, out), STORE_ERR_INVALID_ARG, db, n0);
    FAIL(store_nearby_many(db, "", pts, 2, 5, 0, -1, out), STORE_ERR_INVALID_ARG, db, n0);
    FAIL(store_nearby_many(db, "nope", pts, 2, 5, 0, -1, out), STORE_ERR_NO_INDEX, db, n0);
    FAIL(store_nearby_many(db, "ordered", pts, 2, 5, 0, -1, out), STORE_ERR_NO_INDEX, db, n0);
    FAIL(store_nearby_many(db, "nope", NULL, 2, 0, 0, -1, out), STORE_ERR_NO_INDEX, db, n0);
    FAILN(store_pairs(db, "grid", 1, NULL, NULL), STORE_ERR_INVALID_ARG, db, n0);
    FAIL(store_pairs(db, NULL, 1, NULL, out), STORE_ERR_INVALID_ARG, db, n0);
    FAIL(store_pairs(db, "grid", -1, NULL, out), STORE_ERR_INVALID_ARG, db, n0);
    FAIL(store_pairs(db, "grid", -1e-300, NULL, out), STORE_ERR_INVALID_ARG, db, n0);
    FAIL(store_pairs(db, "grid", NAN, NULL, out), STORE_ERR_INVALID_ARG, db, n0);
    FAIL(store_pairs(db, "grid", INFINITY, NULL, out), STORE_ERR_INVALID_ARG, db, n0);
    FAIL(store_pairs(db, "grid", -INFINITY, "g:*", out), STORE_ERR_INVALID_ARG, db, n0);
    FAIL(store_pairs(db, "", 1, NULL, out), STORE_ERR_INVALID_ARG, db, n0);
    FAIL(store_pairs(db, "nope", 1, NULL, out), STORE_ERR_NO_INDEX, db, n0);
    FAIL(store_pairs(db, "ordered", 1, "g:*", out), STORE_ERR_NO_INDEX, db, n0);

    /* Bad handles: 0, never issued, a closed database, a committed and a
     * rolled-back transaction. */
    store_t closed = open_memory();
    OK(store_create_spatial_index(closed, "grid", "g:*", NULL));
    OK(store_close(closed));
    store_t committed = 0, rolled = 0;
    OK(store_begin(db, 0, &committed));
    OK(store_commit(committed));
    OK(store_begin(db, 1, &rolled));
    OK(store_rollback(rolled));
    const store_t bad[] = {0, NEVER_ISSUED, closed, committed, rolled};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        FAIL(store_intersects_many(bad[i], "grid", mins, maxs, 2, 6, 0, out), STORE_ERR_BAD_HANDLE, db, n0);
        FAIL(store_within_many(bad[i], "grid", mins, maxs, 2, 6, 0, out), STORE_ERR_BAD_HANDLE, db, n0);
        FAIL(store_intersects_many(bad[i], "grid", NULL, NULL, 2, 0, 0, out), STORE_ERR_BAD_HANDLE, db, n0);
        FAIL(store_nearby_many(bad[i], "grid", pts, 2, 5, 0, -1, out), STORE_ERR_BAD_HANDLE, db, n0);
        FAIL(store_nearby_many(bad[i], "grid", NULL, 2, 0, 0, -1, out), STORE_ERR_BAD_HANDLE, db, n0);
        FAIL(store_pairs(bad[i], "grid", 1, NULL, out), STORE_ERR_BAD_HANDLE, db, n0);
    }

    /* ---- Pairs ---- */
    OK(store_create_spatial_index(db, "pairs", "pr:*", NULL));
    for (size_t i = 0; i < NPAIR_ITEMS; i++) {
        char v[64];
        item_value(&pair_items[i], v, sizeof v);
        OK(store_set(db, (const uint8_t *)pair_items[i].key, strlen(pair_items[i].key), (const uint8_t *)v, strlen(v),
                     0));
    }
    const double dists[] = {0, 0.5, 1, 2.5, 3, 5, 1000};
    const char *const patterns[] = {NULL, "", "pr:p:*", "pr:i:*", "pr:*", "nomatch*"};
    for (size_t d = 0; d < sizeof dists / sizeof dists[0]; d++) {
        for (size_t p = 0; p < sizeof patterns / sizeof patterns[0]; p++) {
            CHECK_PAIRS(db, dists[d], patterns[p], NULL);
        }
    }
    CHECK(CHECK_PAIRS(db, 0, NULL, NULL) == 1); /* the box holds the gem */
    CHECK(CHECK_PAIRS(db, 1000, NULL, NULL) == 28);
    CHECK(CHECK_PAIRS(db, 1000, "nomatch*", NULL) == 0);
    /* An index with no pairs: count 0. */
    raw = junk_bytes();
    OK(store_pairs(db, "pairs", 0, "nomatch*", &raw));
    CHECK(raw.ptr != NULL && raw.len == 4 && memcmp(raw.ptr, "\0\0\0\0", 4) == 0);
    store_bytes_free(&raw);
    /* Inside a transaction: its writes count, and vanish on rollback. */
    OK(store_begin(db, 1, &tx));
    OK(store_delete(tx, B("pr:i:box")));
    const char *const gone[] = {"pr:i:box", NULL};
    CHECK_PAIRS(tx, 2.5, NULL, gone);
    CHECK_PAIRS(tx, 2.5, "pr:p:*", gone);
    OK(store_rollback(tx));
    CHECK_PAIRS(db, 2.5, NULL, NULL);
    /* Expired items never pair. */
    OK(store_set(db, B("pr:p:brief"), B("[0 0]"), 300));
    raw = junk_bytes();
    OK(store_pairs(db, "pairs", 0, "pr:p:brief", &raw));
    static hit ph[MAXH];
    CHECK(decode(&raw, ph, MAXH) == 2 && hit_key_is(&ph[0], "pr:p:brief") && hit_key_is(&ph[1], "pr:p:ann"));
    store_bytes_free(&raw);
    sleep_ms(400);
    CHECK_PAIRS(db, 1000, NULL, NULL);
    CHECK_PAIRS(db, 0, "pr:p:*", NULL);
    OK(store_close(db));
}
