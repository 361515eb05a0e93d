/* store_create_index, store_drop_index, store_scan. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <string.h>

#include "t.h"

/* Scans and checks the keys in order (a NULL-terminated list). */
static void expect_scan_at(store_t h, const char *index, const char *lo, const char *hi, int32_t flags,
                           size_t limit, const char *const *keys, const char *file, int line) {
    store_bytes b = junk_bytes();
    char what[256];
    snprintf(what, sizeof what, "scan %s [%s, %s) flags %d limit %zu", index, lo ? lo : "-", hi ? hi : "-",
             (int)flags, limit);
    store_status st = store_scan(h, index, (const uint8_t *)lo, lo ? strlen(lo) : 0, (const uint8_t *)hi,
                                 hi ? strlen(hi) : 0, flags, limit, &b);
    t_statusf(st, STORE_OK, file, line, what);
    hit hits[64];
    long n = decode(&b, hits, 64);
    long want = 0;
    while (keys[want] != NULL) {
        want++;
    }
    int same = n == want;
    for (long i = 0; same && i < n; i++) {
        same = hits[i].key_len == strlen(keys[i]) && memcmp(hits[i].key, keys[i], hits[i].key_len) == 0 &&
               hits[i].dist == 0.0 && hits[i].val_len != STORE_MISSING;
    }
    if (!same) {
        char got[512] = "";
        for (long i = 0; i < n && strlen(got) < 400; i++) {
            strncat(got, (const char *)hits[i].key, hits[i].key_len < 40 ? hits[i].key_len : 40);
            strcat(got, " ");
        }
        t_result(0, file, line, what, got);
    } else {
        t_result(1, file, line, what, NULL);
    }
    store_bytes_free(&b);
}
#define L(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NONE ((const char *const[]){NULL})
#define EXPECT_SCAN(h, ix, lo, hi, fl, lim, keys) expect_scan_at((h), (ix), (lo), (hi), (fl), (lim), (keys), __FILE__, __LINE__)

/* The index does not exist: a scan says NO_INDEX. */
static void expect_no_index_at(store_t h, const char *name, const char *file, int line) {
    store_bytes b = junk_bytes();
    t_statusf(store_scan(h, name, NULL, 0, NULL, 0, 0, 0, &b), STORE_ERR_NO_INDEX, file, line, name);
    t_result(b.ptr == NULL && b.len == 0, file, line, "output left {NULL, 0}", name);
}
#define EXPECT_NO_INDEX(h, name) expect_no_index_at((h), (name), __FILE__, __LINE__)

void test_index(void) {
    store_t db = open_memory();
    /* Items before the index: it is built over them. */
    OK(store_set(db, B("user:1"), B("Carol"), 0));
    OK(store_set(db, B("user:2"), B("alice"), 0));
    OK(store_set(db, B("user:3"), B("Bob"), 0));
    OK(store_set(db, B("other"), B("Aaron"), 0));
    OK(store_create_index(db, "name", "user:*", STORE_INDEX_STRING, NULL));
    OK(store_create_index(db, "name", "user:*", STORE_INDEX_STRING, NULL)); /* same: no-op */
    OK(store_create_index(db, "name", "user:*", STORE_INDEX_STRING, "")); /* "" is NULL here */
    OK(store_set(db, B("user:4"), B("dave"), 0));
    /* Case-insensitive order; "other" is not under the pattern. */
    EXPECT_SCAN(db, "name", NULL, NULL, 0, 0, L("user:2", "user:3", "user:1", "user:4"));
    EXPECT_SCAN(db, "name", NULL, NULL, STORE_SCAN_DESC, 0, L("user:4", "user:1", "user:3", "user:2"));
    EXPECT_SCAN(db, "name", NULL, NULL, 0, 2, L("user:2", "user:3"));
    EXPECT_SCAN(db, "name", NULL, NULL, STORE_SCAN_DESC, 1, L("user:4"));
    EXPECT_SCAN(db, "name", "b", "d", 0, 0, L("user:3", "user:1"));                 /* [b, d) */
    EXPECT_SCAN(db, "name", "bob", "dave", 0, 0, L("user:3", "user:1"));             /* lo in, hi out */
    EXPECT_SCAN(db, "name", "bob", "dave", STORE_SCAN_DESC, 0, L("user:1", "user:3"));
    EXPECT_SCAN(db, "name", "c", NULL, 0, 0, L("user:1", "user:4"));
    EXPECT_SCAN(db, "name", NULL, "c", STORE_SCAN_DESC, 0, L("user:3", "user:2"));
    EXPECT_SCAN(db, "name", "c", NULL, STORE_SCAN_DESC, 0, L("user:4", "user:1"));
    EXPECT_SCAN(db, "name", "c", "c", 0, 0, NONE);     /* empty range */
    EXPECT_SCAN(db, "name", "z", "a", 0, 0, NONE);     /* lo > hi */
    EXPECT_SCAN(db, "name", "z", "a", STORE_SCAN_DESC, 0, NONE);
    /* Values come back with the keys. */
    store_bytes b = junk_bytes();
    OK(store_scan(db, "name", NULL, 0, NULL, 0, 0, 1, &b));
    hit hits[16];
    CHECK(decode(&b, hits, 16) == 1 && hit_is(&hits[0], "user:2", "alice"));
    store_bytes_free(&b);
    /* A NULL bound is open whatever its length. */
    OK(store_scan(db, "name", NULL, 99, NULL, 99, 0, 0, &b));
    CHECK(decode(&b, hits, 16) == 4);
    store_bytes_free(&b);
    /* A huge limit is no limit. */
    EXPECT_SCAN(db, "name", NULL, NULL, 0, (size_t)-1, L("user:2", "user:3", "user:1", "user:4"));

    /* The keys themselves: "" as the index name. */
    EXPECT_SCAN(db, "", NULL, NULL, 0, 0, L("other", "user:1", "user:2", "user:3", "user:4"));
    EXPECT_SCAN(db, "", "user:2", "user:4", 0, 0, L("user:2", "user:3"));
    EXPECT_SCAN(db, "", "user:2", "user:4", STORE_SCAN_DESC, 0, L("user:3", "user:2"));
    EXPECT_SCAN(db, "", NULL, "user:2", STORE_SCAN_DESC, 0, L("user:1", "other"));
    EXPECT_SCAN(db, "", "user:", NULL, STORE_SCAN_DESC, 2, L("user:4", "user:3"));

    /* Numeric kinds order numbers, not text. */
    OK(store_set(db, B("n:a"), B("10"), 0));
    OK(store_set(db, B("n:b"), B("9"), 0));
    OK(store_set(db, B("n:c"), B("-3"), 0));
    OK(store_set(db, B("n:d"), B("100"), 0));
    OK(store_create_index(db, "int", "n:*", STORE_INDEX_INT, NULL));
    EXPECT_SCAN(db, "int", NULL, NULL, 0, 0, L("n:c", "n:b", "n:a", "n:d"));
    EXPECT_SCAN(db, "int", "0", "50", 0, 0, L("n:b", "n:a"));
    OK(store_create_index(db, "float", "n:*", STORE_INDEX_FLOAT, NULL));
    EXPECT_SCAN(db, "float", "-5.5", "9.5", STORE_SCAN_DESC, 0, L("n:b", "n:c"));
    OK(store_create_index(db, "uint", "n:*", STORE_INDEX_UINT, NULL));
    EXPECT_SCAN(db, "uint", "9", "11", 0, 0, L("n:b", "n:a"));
    OK(store_create_index(db, "bin", "n:*", STORE_INDEX_BINARY, NULL));
    EXPECT_SCAN(db, "bin", NULL, NULL, 0, 0, L("n:c", "n:a", "n:d", "n:b"));
    EXPECT_SCAN(db, "", "n:", "n:~", 0, 0, L("n:a", "n:b", "n:c", "n:d"));
    /* JSON kinds. */
    OK(store_set(db, B("p:1"), B("{\"name\":\"Zed\",\"age\":40}"), 0));
    OK(store_set(db, B("p:2"), B("{\"name\":\"amy\",\"age\":25}"), 0));
    OK(store_set(db, B("p:3"), B("{\"name\":\"Bea\",\"age\":31}"), 0));
    OK(store_create_index(db, "age", "p:*", STORE_INDEX_JSON, "age"));
    EXPECT_SCAN(db, "age", NULL, NULL, 0, 0, L("p:2", "p:3", "p:1"));
    EXPECT_SCAN(db, "age", "{\"age\":30}", "{\"age\":40}", 0, 0, L("p:3"));
    EXPECT_SCAN(db, "age", "{\"age\":30}", NULL, STORE_SCAN_DESC, 0, L("p:1", "p:3"));
    OK(store_create_index(db, "jname", "p:*", STORE_INDEX_JSON, "name"));
    EXPECT_SCAN(db, "jname", NULL, NULL, 0, 0, L("p:2", "p:3", "p:1"));
    OK(store_create_index(db, "jname_cs", "p:*", STORE_INDEX_JSON_CASE_SENSITIVE, "name"));
    EXPECT_SCAN(db, "jname_cs", NULL, NULL, 0, 0, L("p:3", "p:1", "p:2"));
    /* A scan through a transaction sees its uncommitted writes. */
    store_t tx = 0;
    OK(store_begin(db, 1, &tx));
    OK(store_set(tx, B("p:4"), B("{\"name\":\"kim\",\"age\":1}"), 0));
    EXPECT_SCAN(tx, "age", NULL, NULL, 0, 2, L("p:4", "p:2"));
    OK(store_rollback(tx));
    EXPECT_SCAN(db, "age", NULL, NULL, 0, 2, L("p:2", "p:3"));
    /* Expired items are skipped. */
    OK(store_set(db, B("user:5"), B("aardvark"), 200));
    EXPECT_SCAN(db, "name", NULL, NULL, 0, 1, L("user:5"));
    sleep_ms(300);
    EXPECT_SCAN(db, "name", NULL, NULL, 0, 1, L("user:2"));

    /* create_index errors: nothing is created. */
    ERR(store_create_index(db, "name", "user:*", STORE_INDEX_BINARY, NULL), STORE_ERR_INDEX_EXISTS);
    ERR(store_create_index(db, "name", "u*", STORE_INDEX_STRING, NULL), STORE_ERR_INDEX_EXISTS);
    ERR(store_create_index(db, "age", "p:*", STORE_INDEX_JSON, "name"), STORE_ERR_INDEX_EXISTS);
    EXPECT_SCAN(db, "name", NULL, NULL, 0, 2, L("user:2", "user:3")); /* unchanged */
    ERR(store_create_index(db, NULL, "*", STORE_INDEX_STRING, NULL), STORE_ERR_INVALID_ARG);
    ERR(store_create_index(db, "x1", NULL, STORE_INDEX_STRING, NULL), STORE_ERR_INVALID_ARG);
    ERR(store_create_index(db, "", "*", STORE_INDEX_STRING, NULL), STORE_ERR_INVALID_ARG);
    ERR(store_create_index(db, "x1", "", STORE_INDEX_STRING, NULL), STORE_ERR_INVALID_ARG);
    ERR(store_create_index(db, "x1", "*", 7, NULL), STORE_ERR_INVALID_ARG);
    ERR(store_create_index(db, "x1", "*", 99, NULL), STORE_ERR_INVALID_ARG);
    ERR(store_create_index(db, "x1", "*", 100, NULL), STORE_ERR_INVALID_ARG); /* the spatial kind's inner number */
    ERR(store_create_index(db, "x1", "*", -1, NULL), STORE_ERR_INVALID_ARG);
    ERR(store_create_index(db, "x1", "*", STORE_INDEX_JSON, NULL), STORE_ERR_INVALID_ARG);
    ERR(store_create_index(db, "x1", "*", STORE_INDEX_JSON_CASE_SENSITIVE, ""), STORE_ERR_INVALID_ARG);
    ERR(store_create_index(db, "x1", "*", STORE_INDEX_STRING, "name"), STORE_ERR_INVALID_ARG);
    ERR(store_create_index(db, "x1", "*", STORE_INDEX_INT, "name"), STORE_ERR_INVALID_ARG);
    store_t closed = open_memory();
    OK(store_close(closed));
    const store_t bad[] = {0, NEVER_ISSUED, closed};
    for (int i = 0; i < 3; i++) {
        ERR(store_create_index(bad[i], "x1", "*", STORE_INDEX_STRING, NULL), STORE_ERR_BAD_HANDLE);
        ERR(store_drop_index(bad[i], "name"), STORE_ERR_BAD_HANDLE);
        b = junk_bytes();
        ERR(store_scan(bad[i], "name", NULL, 0, NULL, 0, 0, 0, &b), STORE_ERR_BAD_HANDLE);
        CHECK_ZEROED(b);
    }
    EXPECT_NO_INDEX(db, "x1");

    /* scan errors. */
    ERR(store_scan(db, "name", NULL, 0, NULL, 0, 0, 0, NULL), STORE_ERR_INVALID_ARG);
    const int32_t flags[] = {2, 4, -1, INT32_MIN, STORE_SCAN_DESC | 16};
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        b = junk_bytes();
        ERR(store_scan(db, "name", NULL, 0, NULL, 0, flags[i], 0, &b), STORE_ERR_INVALID_ARG);
        CHECK_ZEROED(b);
    }
    b = junk_bytes();
    ERR(store_scan(db, NULL, NULL, 0, NULL, 0, 0, 0, &b), STORE_ERR_INVALID_ARG);
    CHECK_ZEROED(b);
    b = junk_bytes();
    ERR(store_scan(db, "nope", NULL, 0, NULL, 0, 0, 0, &b), STORE_ERR_NO_INDEX);
    CHECK_ZEROED(b);
    OK(store_set(db, B("geo:1"), B("[1 2]"), 0));
    OK(store_create_spatial_index(db, "geo", "geo:*", NULL));
    b = junk_bytes();
    ERR(store_scan(db, "geo", NULL, 0, NULL, 0, 0, 0, &b), STORE_ERR_NO_INDEX); /* spatial */
    CHECK_ZEROED(b);
    /* The names are one namespace: an ordered index cannot take a spatial one's name. */
    ERR(store_create_index(db, "geo", "geo:*", STORE_INDEX_STRING, NULL), STORE_ERR_INDEX_EXISTS);
    ERR(store_create_spatial_index(db, "name", "user:*", NULL), STORE_ERR_INDEX_EXISTS);

    /* drop_index: items stay. */
    uint64_t n = len_of(db);
    OK(store_drop_index(db, "name"));
    EXPECT_NO_INDEX(db, "name");
    CHECK(len_of(db) == n);
    EXPECT_VALUE(db, "user:1", "Carol");
    ERR(store_drop_index(db, "name"), STORE_ERR_NO_INDEX);
    ERR(store_drop_index(db, "never"), STORE_ERR_NO_INDEX);
    ERR(store_drop_index(db, NULL), STORE_ERR_INVALID_ARG);
    ERR(store_drop_index(db, ""), STORE_ERR_INVALID_ARG);
    OK(store_drop_index(db, "geo"));
    b = junk_bytes();
    const double lo[2] = {0, 0}, hi[2] = {5, 5};
    ERR(store_intersects(db, "geo", lo, hi, 2, 0, &b), STORE_ERR_NO_INDEX);
    /* Once dropped, the name may take another definition. */
    OK(store_create_index(db, "name", "user:*", STORE_INDEX_BINARY, NULL));
    EXPECT_SCAN(db, "name", NULL, NULL, 0, 1, L("user:3")); /* "Bob" < "Carol" < "alice" */
    CHECK(len_of(db) == n);
    OK(store_close(db));
}
