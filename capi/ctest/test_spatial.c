/* store_create_spatial_index, store_intersects, store_within,
 * store_nearby, and the geometry a spatial index refuses. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "t.h"

/* Runs a query and checks the set of keys (order ignored unless ordered). */
static void expect_keys_at(store_status st, store_bytes *b, const char *const *keys, int ordered, const char *file,
                           int line, const char *what) {
    t_statusf(st, STORE_OK, file, line, what);
    hit hits[64];
    long n = decode(b, hits, 64);
    long want = 0;
    while (keys[want] != NULL) {
        want++;
    }
    int same = n == want;
    for (long i = 0; same && i < want; i++) {
        long at = find_hit(hits, n, keys[i]);
        same = ordered ? at == i : at >= 0;
    }
    char got[512] = "";
    for (long i = 0; i < n && strlen(got) < 400; i++) {
        strncat(got, (const char *)hits[i].key, hits[i].key_len < 40 ? hits[i].key_len : 40);
        strcat(got, " ");
    }
    t_result(same, file, line, what, got);
    store_bytes_free(b);
}
#define L(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NONE ((const char *const[]){NULL})
#define D(...) ((const double[]){__VA_ARGS__})

#define EXPECT_INTERSECTS(h, ix, lo, hi, dims, limit, keys)                                                   \
    do {                                                                                                  \
        store_bytes b_ = junk_bytes();                                                                    \
        store_status s_ = store_intersects((h), (ix), (lo), (hi), (dims), (limit), &b_);                  \
        expect_keys_at(s_, &b_, (keys), 0, __FILE__, __LINE__, "intersects " #lo " " #hi);                \
    } while (0)
#define EXPECT_WITHIN(h, ix, lo, hi, dims, limit, keys)                                                       \
    do {                                                                                                  \
        store_bytes b_ = junk_bytes();                                                                    \
        store_status s_ = store_within((h), (ix), (lo), (hi), (dims), (limit), &b_);                      \
        expect_keys_at(s_, &b_, (keys), 0, __FILE__, __LINE__, "within " #lo " " #hi);                    \
    } while (0)
#define EXPECT_NEARBY(h, ix, pt, dims, k, maxd, keys)                                                         \
    do {                                                                                                  \
        store_bytes b_ = junk_bytes();                                                                    \
        store_status s_ = store_nearby((h), (ix), (pt), (dims), (k), (maxd), &b_);                        \
        expect_keys_at(s_, &b_, (keys), 1, __FILE__, __LINE__, "nearby " #pt);                            \
    } while (0)

static long count_of(store_t h, const char *index) {
    double lo[2] = {-INFINITY, -INFINITY}, hi[2] = {INFINITY, INFINITY};
    store_bytes b = {NULL, 0};
    OK(store_intersects(h, index, lo, hi, 2, 0, &b));
    hit hits[64];
    long n = decode(&b, hits, 64);
    store_bytes_free(&b);
    return n;
}

/* A write the spatial index must refuse: INVALID_ARG, the key absent or
 * unchanged, the count of items and of indexed items unchanged. */
static void refuse_at(store_t db, const char *key, const char *value, const char *file, int line) {
    uint64_t n = len_of(db);
    long c = count_of(db, "pts");
    long r = count_of(db, "rects");
    store_bytes before = {NULL, 0};
    store_status had = store_get(db, (const uint8_t *)key, strlen(key), &before);
    char what[300];
    snprintf(what, sizeof what, "set %s = %.200s", key, value);
    store_status st = store_set(db, (const uint8_t *)key, strlen(key), (const uint8_t *)value, strlen(value), 0);
    t_errorf(st, STORE_ERR_INVALID_ARG, file, line, what);
    /* The same through set_many, after a good item: none of it lands. */
    store_kv items[] = {
        {(const uint8_t *)"pt:batch-good", 13, (const uint8_t *)"{\"pos\":[0,0]}", 13, 0},
        {(const uint8_t *)key, strlen(key), (const uint8_t *)value, strlen(value), 0},
    };
    t_errorf(store_set_many(db, items, 2), STORE_ERR_INVALID_ARG, file, line, what);
    char msg[512];
    store_last_error(msg, sizeof msg);
    t_result(strstr(msg, "item 1") != NULL, file, line, "set_many names item 1", msg);
    expect_absent_at(db, "pt:batch-good", file, line);
    store_bytes after = {NULL, 0};
    store_status has = store_get(db, (const uint8_t *)key, strlen(key), &after);
    t_result(had == has && before.len == after.len &&
                 (before.len == 0 || memcmp(before.ptr, after.ptr, before.len) == 0),
             file, line, "value unchanged", what);
    store_bytes_free(&before);
    store_bytes_free(&after);
    t_result(len_of(db) == n, file, line, "len unchanged", what);
    t_result(count_of(db, "pts") == c && count_of(db, "rects") == r, file, line, "index unchanged", what);
}
#define REFUSE(db, key, value) refuse_at((db), (key), (value), __FILE__, __LINE__)

void test_spatial(void) {
    store_t db = open_memory();
    /* "pts": JSON path "pos". Every geometry form. */
    OK(store_set(db, B("pt:a"), B("{\"pos\":[0,0]}"), 0)); /* before the index */
    OK(store_create_spatial_index(db, "pts", "pt:*", "pos"));
    OK(store_create_spatial_index(db, "pts", "pt:*", "pos")); /* same: no-op */
    OK(store_set(db, B("pt:b"), B("{\"pos\":[3,4]}"), 0));
    OK(store_set(db, B("pt:box"), B("{\"pos\":[[10,10],[12,14]]}"), 0));
    OK(store_set(db, B("pt:obj"), B("{\"pos\":{\"x\":-5,\"y\":-1}}"), 0));
    OK(store_set(db, B("pt:text"), B("{\"pos\":\"[6 8]\"}"), 0));
    OK(store_set(db, B("other"), B("not geometry at all"), 0)); /* outside the pattern */
    CHECK(count_of(db, "pts") == 5);

    EXPECT_INTERSECTS(db, "pts", D(-1, -1), D(4, 4), 2, 0, L("pt:a", "pt:b"));
    EXPECT_INTERSECTS(db, "pts", D(11, 13), D(20, 20), 2, 0, L("pt:box")); /* touches the box */
    EXPECT_INTERSECTS(db, "pts", D(12, 14), D(12, 14), 2, 0, L("pt:box")); /* its corner */
    EXPECT_INTERSECTS(db, "pts", D(100, 100), D(200, 200), 2, 0, NONE);
    EXPECT_INTERSECTS(db, "pts", D(-INFINITY, -INFINITY), D(INFINITY, INFINITY), 2, 0,
                      L("pt:a", "pt:b", "pt:box", "pt:obj", "pt:text"));
    EXPECT_INTERSECTS(db, "pts", D(-INFINITY), D(0), 1, 0, L("pt:a", "pt:obj")); /* 1 of 2 dims */
    store_bytes b = junk_bytes();
    OK(store_intersects(db, "pts", D(-100, -100), D(100, 100), 2, 2, &b));
    hit hits[64];
    CHECK(decode(&b, hits, 64) == 2); /* limit */
    store_bytes_free(&b);
    OK(store_intersects(db, "pts", D(3, 4), D(3, 4), 2, 0, &b));
    CHECK(decode(&b, hits, 64) == 1 && hit_is(&hits[0], "pt:b", "{\"pos\":[3,4]}") && hits[0].dist == 0.0);
    store_bytes_free(&b);

    EXPECT_WITHIN(db, "pts", D(-1, -1), D(13, 13), 2, 0, L("pt:a", "pt:b", "pt:text")); /* box sticks out */
    EXPECT_WITHIN(db, "pts", D(-1, -1), D(13, 14), 2, 0, L("pt:a", "pt:b", "pt:text", "pt:box"));
    EXPECT_WITHIN(db, "pts", D(-INFINITY, -INFINITY), D(INFINITY, INFINITY), 2, 0,
                  L("pt:a", "pt:b", "pt:box", "pt:obj", "pt:text"));
    OK(store_within(db, "pts", D(-100, -100), D(100, 100), 2, 3, &b));
    CHECK(decode(&b, hits, 64) == 3);
    store_bytes_free(&b);

    /* Nearby: nearest first with true distances; k and max_dist. */
    OK(store_nearby(db, "pts", D(0, 0), 2, 0, -1, &b));
    long n = decode(&b, hits, 64);
    CHECK(n == 5);
    if (n == 5) {
        CHECK(hit_is(&hits[0], "pt:a", "{\"pos\":[0,0]}") && hits[0].dist == 0.0);
        CHECK(hit_is(&hits[1], "pt:b", "{\"pos\":[3,4]}") && fabs(hits[1].dist - 5.0) < 1e-9);
        CHECK(find_hit(hits, 2, "pt:a") == 0);
        CHECK(hits[2].key_len == 6 && memcmp(hits[2].key, "pt:obj", 6) == 0 && fabs(hits[2].dist - sqrt(26.0)) < 1e-9);
        CHECK(find_hit(hits, n, "pt:text") == 3 && fabs(hits[3].dist - 10.0) < 1e-9);
        CHECK(find_hit(hits, n, "pt:box") == 4 && fabs(hits[4].dist - sqrt(200.0)) < 1e-9);
        for (long i = 1; i < n; i++) {
            CHECK(hits[i].dist >= hits[i - 1].dist);
        }
    }
    store_bytes_free(&b);
    /* Inside a box the distance is 0; beside it, to its edge. */
    OK(store_nearby(db, "pts", D(11, 12), 2, 1, -1, &b));
    CHECK(decode(&b, hits, 64) == 1 && find_hit(hits, 1, "pt:box") == 0 && hits[0].dist == 0.0);
    store_bytes_free(&b);
    OK(store_nearby(db, "pts", D(15, 12), 2, 1, -1, &b));
    CHECK(decode(&b, hits, 64) == 1 && find_hit(hits, 1, "pt:box") == 0 && fabs(hits[0].dist - 3.0) < 1e-9);
    store_bytes_free(&b);
    EXPECT_NEARBY(db, "pts", D(0, 0), 2, 1, -1, L("pt:a"));
    EXPECT_NEARBY(db, "pts", D(0, 0), 2, 0, 4.9, L("pt:a"));             /* radius */
    EXPECT_NEARBY(db, "pts", D(0, 0), 2, 0, 10.0, L("pt:a", "pt:b", "pt:obj", "pt:text")); /* inclusive */
    EXPECT_NEARBY(db, "pts", D(0, 0), 2, 1, 10.0, L("pt:a"));
    EXPECT_NEARBY(db, "pts", D(1000, 1000), 2, 0, 1.0, NONE);
    EXPECT_NEARBY(db, "pts", D(0, 0), 2, 0, INFINITY, L("pt:a", "pt:b", "pt:obj", "pt:text", "pt:box"));

    /* Rect text without a JSON path. */
    OK(store_create_spatial_index(db, "rects", "r:*", NULL));
    OK(store_set(db, B("r:p"), B("[1 2]"), 0));
    OK(store_set(db, B("r:box"), B("[0 0],[4 4]"), 0));
    OK(store_set(db, B("r:3d"), B("[1 1 1]"), 0));
    OK(store_set(db, B("r:neg"), B("  [-1.5e1 -2] "), 0));
    EXPECT_INTERSECTS(db, "rects", D(0.5, 0.5), D(1.5, 2.5), 2, 0, L("r:p", "r:box", "r:3d"));
    EXPECT_WITHIN(db, "rects", D(-20, -20), D(0, 0), 2, 0, L("r:neg"));
    EXPECT_INTERSECTS(db, "rects", D(0, 0, 0), D(2, 2, 2), 3, 0, L("r:p", "r:box", "r:3d"));
    /* Twenty dimensions are fine. */
    OK(store_set(db, B("r:20"), B("[1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20]"), 0));
    double lo20[20], hi20[20];
    for (int i = 0; i < 20; i++) {
        lo20[i] = i + 0.5;
        hi20[i] = i + 1.5;
    }
    /* Items with fewer dimensions match on the ones they have. */
    EXPECT_INTERSECTS(db, "rects", lo20, hi20, 20, 0, L("r:20", "r:p", "r:box"));
    hi20[1] = 1.9;
    lo20[0] = 1.1;
    EXPECT_INTERSECTS(db, "rects", lo20, hi20, 20, 0, L("r:box"));
    lo20[0] = 0.5;
    hi20[1] = 2.5;
    OK(store_set(db, B("pt:20"), B("{\"pos\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20]}"), 0));
    EXPECT_WITHIN(db, "pts", lo20, hi20, 20, 0, L("pt:20"));
    OK(store_delete(db, B("pt:20")));
    OK(store_delete(db, B("r:20")));

    /* Geometry that must be refused, through both indexes. */
    REFUSE(db, "pt:bad", "{\"pos\":[NaN,1]}");
    REFUSE(db, "pt:bad", "{\"pos\":\"[NaN 1]\"}");
    REFUSE(db, "pt:bad", "{\"pos\":\"[1 nan]\"}");
    REFUSE(db, "pt:bad", "{\"pos\":[1e999,1]}");
    REFUSE(db, "pt:bad", "{\"pos\":[1,-1e999]}");
    REFUSE(db, "pt:bad", "{\"pos\":\"[inf 1]\"}");
    REFUSE(db, "pt:bad", "{\"pos\":\"[1 -Inf]\"}");
    REFUSE(db, "pt:bad", "{\"pos\":\"[0 0],[1 +Inf]\"}");
    REFUSE(db, "pt:bad", "{\"pos\":[[3,3],[1,1]]}");      /* min > max */
    REFUSE(db, "pt:bad", "{\"pos\":[[0,3],[1,1]]}");
    REFUSE(db, "pt:bad", "{\"pos\":[]}");                 /* 0 dims */
    REFUSE(db, "pt:bad", "{\"pos\":[[],[]]}");
    REFUSE(db, "pt:bad", "{\"pos\":[[0,0],[1,1,1]]}");    /* dims differ */
    REFUSE(db, "pt:bad", "{\"pos\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21]}"); /* 21 dims */
    REFUSE(db, "pt:bad", "{\"pos\":[\"1\",\"2\"]}");      /* non-numeric */
    REFUSE(db, "pt:bad", "{\"pos\":[1,\"2\"]}");
    REFUSE(db, "pt:bad", "{\"pos\":[1,[2]]}");
    REFUSE(db, "pt:bad", "{\"pos\":[[0,0],[\"a\",1]]}");
    REFUSE(db, "pt:bad", "{\"pos\":[[0,0],[1,1],[2,2]]}");
    REFUSE(db, "pt:bad", "{\"pos\":true}");
    REFUSE(db, "pt:bad", "{\"pos\":null}");
    REFUSE(db, "pt:bad", "{\"pos\":7}");
    REFUSE(db, "pt:bad", "{\"pos\":{\"x\":\"1\",\"y\":2}}");
    REFUSE(db, "pt:bad", "{\"pos\":{\"y\":2}}");
    REFUSE(db, "pt:bad", "{\"pos\":{\"x\":1,\"z\":2}}");
    REFUSE(db, "pt:bad", "{\"pos\":\"nonsense\"}");
    REFUSE(db, "pt:bad", "{\"where\":[1,2]}");            /* no geometry at the path */
    REFUSE(db, "pt:bad", "not json");
    REFUSE(db, "pt:bad", "");
    REFUSE(db, "pt:a", "{\"pos\":[NaN,0]}");              /* an existing key keeps its value */
    REFUSE(db, "r:bad", "[nan 1]");
    REFUSE(db, "r:bad", "[1 inf]");
    REFUSE(db, "r:bad", "[-inf 1]");
    REFUSE(db, "r:bad", "[1 1e999]");
    REFUSE(db, "r:bad", "[3 3],[1 1]");
    REFUSE(db, "r:bad", "[]");
    REFUSE(db, "r:bad", "[],[]");
    REFUSE(db, "r:bad", "[1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21]");
    REFUSE(db, "r:bad", "[a b]");
    REFUSE(db, "r:bad", "1 2");
    REFUSE(db, "r:bad", "[1 2");
    REFUSE(db, "r:bad", "{\"pos\":[1,2]}");
    REFUSE(db, "r:box", "[4 4],[0 0]");
    EXPECT_VALUE(db, "r:box", "[0 0],[4 4]");
    /* The same through a write transaction: refused, the transaction goes on. */
    store_t tx = 0;
    OK(store_begin(db, 1, &tx));
    ERR(store_set(tx, B("pt:tx"), B("{\"pos\":[NaN,0]}"), 0), STORE_ERR_INVALID_ARG);
    OK(store_set(tx, B("pt:tx"), B("{\"pos\":[1,1]}"), 0));
    EXPECT_INTERSECTS(tx, "pts", D(1, 1), D(1, 1), 2, 0, L("pt:tx"));
    OK(store_rollback(tx));
    EXPECT_INTERSECTS(db, "pts", D(1, 1), D(1, 1), 2, 0, NONE);

    /* An index over an item it cannot read is refused, naming the key. */
    OK(store_set(db, B("q:good"), B("[1 1]"), 0));
    OK(store_set(db, B("q:bad"), B("[1 NaN]"), 0));
    ERR(store_create_spatial_index(db, "q", "q:*", NULL), STORE_ERR_INVALID_ARG);
    char msg[512];
    store_last_error(msg, sizeof msg);
    CHECK_MSG(strstr(msg, "q:bad") != NULL, msg);
    b = junk_bytes();
    ERR(store_intersects(db, "q", D(0, 0), D(2, 2), 2, 0, &b), STORE_ERR_NO_INDEX);
    CHECK_ZEROED(b);
    OK(store_delete(db, B("q:bad")));
    OK(store_create_spatial_index(db, "q", "q:*", NULL));
    EXPECT_INTERSECTS(db, "q", D(0, 0), D(2, 2), 2, 0, L("q:good"));

    /* create_spatial_index errors. */
    ERR(store_create_spatial_index(db, "pts", "pt:*", "other"), STORE_ERR_INDEX_EXISTS);
    ERR(store_create_spatial_index(db, "pts", "p*", "pos"), STORE_ERR_INDEX_EXISTS);
    ERR(store_create_spatial_index(db, NULL, "s:*", NULL), STORE_ERR_INVALID_ARG);
    ERR(store_create_spatial_index(db, "s", NULL, NULL), STORE_ERR_INVALID_ARG);
    ERR(store_create_spatial_index(db, "", "s:*", NULL), STORE_ERR_INVALID_ARG);
    ERR(store_create_spatial_index(db, "s", "", NULL), STORE_ERR_INVALID_ARG);
    store_t closed = open_memory();
    OK(store_close(closed));
    const store_t bad[] = {0, NEVER_ISSUED, closed};
    for (int i = 0; i < 3; i++) {
        ERR(store_create_spatial_index(bad[i], "s", "s:*", NULL), STORE_ERR_BAD_HANDLE);
        b = junk_bytes();
        ERR(store_intersects(bad[i], "pts", D(0, 0), D(1, 1), 2, 0, &b), STORE_ERR_BAD_HANDLE);
        CHECK_ZEROED(b);
        b = junk_bytes();
        ERR(store_within(bad[i], "pts", D(0, 0), D(1, 1), 2, 0, &b), STORE_ERR_BAD_HANDLE);
        CHECK_ZEROED(b);
        b = junk_bytes();
        ERR(store_nearby(bad[i], "pts", D(0, 0), 2, 0, -1, &b), STORE_ERR_BAD_HANDLE);
        CHECK_ZEROED(b);
    }
    b = junk_bytes();
    ERR(store_intersects(db, "s", D(0, 0), D(1, 1), 2, 0, &b), STORE_ERR_NO_INDEX); /* never made */
    CHECK_ZEROED(b);

    /* Query errors: box queries. */
    OK(store_create_index(db, "ordered", "pt:*", STORE_INDEX_STRING, NULL));
    typedef store_status (*boxq)(store_t, const char *, const double *, const double *, size_t, size_t,
                                 store_bytes *);
    const boxq queries[] = {store_intersects, store_within};
    double nan2[2] = {NAN, 0}, one2[2] = {1, 1}, zero2[2] = {0, 0};
    double d21[21] = {0};
    for (int q = 0; q < 2; q++) {
        struct {
            const char *index;
            const double *lo, *hi;
            size_t dims;
            store_status want;
        } cases[] = {
            {NULL, zero2, one2, 2, STORE_ERR_INVALID_ARG},
            {"pts", NULL, one2, 2, STORE_ERR_INVALID_ARG},
            {"pts", zero2, NULL, 2, STORE_ERR_INVALID_ARG},
            {"pts", zero2, one2, 0, STORE_ERR_INVALID_ARG},
            {"pts", d21, d21, 21, STORE_ERR_INVALID_ARG},
            {"pts", nan2, one2, 2, STORE_ERR_INVALID_ARG},
            {"pts", zero2, nan2, 2, STORE_ERR_INVALID_ARG},
            {"pts", one2, zero2, 2, STORE_ERR_INVALID_ARG}, /* min > max */
            {"", zero2, one2, 2, STORE_ERR_INVALID_ARG},
            {"nope", zero2, one2, 2, STORE_ERR_NO_INDEX},
            {"ordered", zero2, one2, 2, STORE_ERR_NO_INDEX},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            b = junk_bytes();
            char what[64];
            snprintf(what, sizeof what, "%s case %zu", q ? "within" : "intersects", i);
            t_errorf(queries[q](db, cases[i].index, cases[i].lo, cases[i].hi, cases[i].dims, 0, &b), cases[i].want,
                     __FILE__, __LINE__, what);
            CHECK_MSG(b.ptr == NULL && b.len == 0, what);
        }
        ERR(queries[q](db, "pts", zero2, one2, 2, 0, NULL), STORE_ERR_INVALID_ARG);
    }
    /* Query errors: nearby. */
    struct {
        const char *index;
        const double *pt;
        size_t dims;
        double max_dist;
        store_status want;
    } ncases[] = {
        {NULL, zero2, 2, -1, STORE_ERR_INVALID_ARG},
        {"pts", NULL, 2, -1, STORE_ERR_INVALID_ARG},
        {"pts", zero2, 0, -1, STORE_ERR_INVALID_ARG},
        {"pts", d21, 21, -1, STORE_ERR_INVALID_ARG},
        {"pts", nan2, 2, -1, STORE_ERR_INVALID_ARG},
        {"pts", D(INFINITY, 0), 2, -1, STORE_ERR_INVALID_ARG},
        {"pts", D(0, -INFINITY), 2, -1, STORE_ERR_INVALID_ARG},
        {"pts", zero2, 2, NAN, STORE_ERR_INVALID_ARG},
        {"", zero2, 2, -1, STORE_ERR_INVALID_ARG},
        {"nope", zero2, 2, -1, STORE_ERR_NO_INDEX},
        {"ordered", zero2, 2, -1, STORE_ERR_NO_INDEX},
    };
    for (size_t i = 0; i < sizeof ncases / sizeof ncases[0]; i++) {
        b = junk_bytes();
        char what[64];
        snprintf(what, sizeof what, "nearby case %zu", i);
        t_errorf(store_nearby(db, ncases[i].index, ncases[i].pt, ncases[i].dims, 0, ncases[i].max_dist, &b),
                 ncases[i].want, __FILE__, __LINE__, what);
        CHECK_MSG(b.ptr == NULL && b.len == 0, what);
    }
    ERR(store_nearby(db, "pts", zero2, 2, 0, -1, NULL), STORE_ERR_INVALID_ARG);

    /* Expired items never appear in spatial results. */
    OK(store_set(db, B("pt:brief"), B("{\"pos\":[0.5,0.5]}"), 300));
    EXPECT_INTERSECTS(db, "pts", D(0.4, 0.4), D(0.6, 0.6), 2, 0, L("pt:brief"));
    EXPECT_NEARBY(db, "pts", D(0.5, 0.5), 2, 1, -1, L("pt:brief"));
    sleep_ms(400);
    EXPECT_INTERSECTS(db, "pts", D(0.4, 0.4), D(0.6, 0.6), 2, 0, NONE);
    EXPECT_WITHIN(db, "pts", D(0.4, 0.4), D(0.6, 0.6), 2, 0, NONE);
    EXPECT_NEARBY(db, "pts", D(0.5, 0.5), 2, 1, -1, L("pt:a"));
    EXPECT_NEARBY(db, "pts", D(0.5, 0.5), 2, 0, 1.0, L("pt:a"));
    /* After the once-a-second sweep too. */
    sleep_ms(1100);
    EXPECT_NEARBY(db, "pts", D(0.5, 0.5), 2, 1, -1, L("pt:a"));

    /* Deleting and overwriting move items. */
    OK(store_set(db, B("pt:b"), B("{\"pos\":[50,50]}"), 0));
    EXPECT_INTERSECTS(db, "pts", D(2, 3), D(4, 5), 2, 0, NONE);
    EXPECT_INTERSECTS(db, "pts", D(49, 49), D(51, 51), 2, 0, L("pt:b"));
    OK(store_delete(db, B("pt:b")));
    EXPECT_INTERSECTS(db, "pts", D(49, 49), D(51, 51), 2, 0, NONE);
    /* Nearest first also when the index holds items of several dimension
     * counts (a regression check: BuntDB's R-tree keeps a tree per count
     * and once returned the 3-d items before the nearer 2-d ones). */
    OK(store_create_spatial_index(db, "mixed", "mx:*", NULL));
    OK(store_set(db, B("mx:a2"), B("[1 0]"), 0));
    OK(store_set(db, B("mx:b2"), B("[10 0]"), 0));
    OK(store_set(db, B("mx:c2"), B("[20 0]"), 0));
    OK(store_set(db, B("mx:a3"), B("[2 0 0]"), 0));
    OK(store_set(db, B("mx:b3"), B("[11 0 0]"), 0));
    OK(store_set(db, B("mx:c3"), B("[30 0 0]"), 0));
    for (int rep = 0; rep < 10; rep++) {
        EXPECT_NEARBY(db, "mixed", D(0, 0, 0), 3, 0, -1, L("mx:a2", "mx:a3", "mx:b2", "mx:b3", "mx:c2", "mx:c3"));
        EXPECT_NEARBY(db, "mixed", D(0, 0, 0), 3, 3, -1, L("mx:a2", "mx:a3", "mx:b2"));
        EXPECT_NEARBY(db, "mixed", D(0, 0, 0), 3, 0, 10.5, L("mx:a2", "mx:a3", "mx:b2"));
    }
    OK(store_nearby(db, "mixed", D(0, 0, 0), 3, 0, -1, &b));
    n = decode(&b, hits, 64);
    CHECK(n == 6);
    for (long i = 1; i < n; i++) {
        CHECK(hits[i].dist >= hits[i - 1].dist);
    }
    store_bytes_free(&b);

    /* A dropped spatial index no longer checks geometry. */
    OK(store_drop_index(db, "rects"));
    OK(store_set(db, B("r:bad"), B("[nan 1]"), 0));
    OK(store_close(db));
}
