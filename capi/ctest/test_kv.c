/* store_set, store_get, store_delete, store_ttl, store_len, store_set_many,
 * store_get_many. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <string.h>

#include "t.h"

/* Handles that name no open database: 0, never issued, a closed database,
 * a committed and a rolled-back transaction. Filled by stale_handles. */
typedef struct stale {
    store_t h[5];
    const char *what[5];
} stale;

static stale stale_handles(store_t live) {
    stale s = {{0, NEVER_ISSUED, 0, 0, 0}, {"0", "never issued", "closed db", "committed tx", "rolled-back tx"}};
    store_t db = open_memory();
    OK(store_close(db));
    s.h[2] = db;
    store_t tx = 0;
    OK(store_begin(live, 1, &tx));
    OK(store_commit(tx));
    s.h[3] = tx;
    OK(store_begin(live, 0, &tx));
    OK(store_rollback(tx));
    s.h[4] = tx;
    return s;
}

void test_kv(void) {
    store_t db = open_memory();
    CHECK(len_of(db) == 0);

    /* Keys and values with NUL bytes. */
    static const uint8_t k1[] = {'a', 0, 'b'};
    static const uint8_t v1[] = {0, 1, 0, 2, 0};
    OK(store_set(db, k1, sizeof k1, v1, sizeof v1, 0));
    store_bytes b = junk_bytes();
    OK(store_get(db, k1, sizeof k1, &b));
    CHECK(b.len == sizeof v1 && b.ptr != NULL && memcmp(b.ptr, v1, sizeof v1) == 0);
    store_bytes_free(&b);
    /* The key stops at its length, not at the NUL. */
    static const uint8_t k1short[] = {'a'};
    ST(store_get(db, k1short, 1, &b), STORE_NOT_FOUND);
    CHECK_ZEROED(b);

    /* NULL with length 0 is the empty string, for the key and the value. */
    OK(store_set(db, NULL, 0, B("empty key"), 0));
    EXPECT_VALUE(db, "", "empty key");
    OK(store_set(db, B("empty value"), NULL, 0, 0));
    EXPECT_VALUE(db, "empty value", "");
    OK(store_set(db, B("emptyval2"), (const uint8_t *)"", 0, 0));
    EXPECT_VALUE(db, "emptyval2", "");
    OK(store_get(db, NULL, 0, &b));
    CHECK(b.len == 9 && memcmp(b.ptr, "empty key", 9) == 0);
    store_bytes_free(&b);
    CHECK(len_of(db) == 4);

    /* Overwrite. */
    OK(store_set(db, B("k"), B("one"), 0));
    OK(store_set(db, B("k"), B("two"), 0));
    EXPECT_VALUE(db, "k", "two");
    CHECK(len_of(db) == 5);

    /* A larger value. */
    static uint8_t big[100000];
    for (size_t i = 0; i < sizeof big; i++) {
        big[i] = (uint8_t)(i * 31 + 7);
    }
    OK(store_set(db, B("big"), big, sizeof big, 0));
    OK(store_get(db, B("big"), &b));
    CHECK(b.len == sizeof big && memcmp(b.ptr, big, sizeof big) == 0);
    store_bytes_free(&b);
    OK(store_delete(db, B("big")));

    /* store_set errors: nothing changes. */
    uint64_t n = len_of(db);
    ERR(store_set(db, NULL, 3, B("v"), 0), STORE_ERR_INVALID_ARG);
    ERR(store_set(db, B("new"), NULL, 3, 0), STORE_ERR_INVALID_ARG);
    EXPECT_ABSENT(db, "new");
    ERR(store_set(db, B("k"), NULL, 1, 0), STORE_ERR_INVALID_ARG);
    EXPECT_VALUE(db, "k", "two");
    CHECK(len_of(db) == n);
    stale s = stale_handles(db);
    for (int i = 0; i < 5; i++) {
        ERR(store_set(s.h[i], B("new"), B("v"), 0), STORE_ERR_BAD_HANDLE);
        b = junk_bytes();
        ERR(store_get(s.h[i], B("k"), &b), STORE_ERR_BAD_HANDLE);
        CHECK_ZEROED(b);
        ERR(store_delete(s.h[i], B("k")), STORE_ERR_BAD_HANDLE);
        int64_t ttl = 77;
        ERR(store_ttl(s.h[i], B("k"), &ttl), STORE_ERR_BAD_HANDLE);
        CHECK_MSG(ttl == 0, s.what[i]);
        uint64_t m = 77;
        ERR(store_len(s.h[i], &m), STORE_ERR_BAD_HANDLE);
        CHECK_MSG(m == 0, s.what[i]);
    }
    EXPECT_ABSENT(db, "new");
    EXPECT_VALUE(db, "k", "two");
    CHECK(len_of(db) == n);

    /* store_get errors. */
    ERR(store_get(db, B("k"), NULL), STORE_ERR_INVALID_ARG);
    b = junk_bytes();
    ERR(store_get(db, NULL, 1, &b), STORE_ERR_INVALID_ARG);
    CHECK_ZEROED(b);
    b = junk_bytes();
    ST(store_get(db, B("missing"), &b), STORE_NOT_FOUND);
    CHECK_ZEROED(b);

    /* store_delete. */
    OK(store_set(db, B("gone"), B("x"), 0));
    n = len_of(db);
    ERR(store_delete(db, NULL, 4), STORE_ERR_INVALID_ARG);
    CHECK(len_of(db) == n);
    OK(store_delete(db, B("gone")));
    EXPECT_ABSENT(db, "gone");
    ST(store_delete(db, B("gone")), STORE_NOT_FOUND);
    CHECK(len_of(db) == n - 1);
    OK(store_delete(db, NULL, 0)); /* the empty key set above */
    EXPECT_ABSENT(db, "");

    /* store_ttl. */
    int64_t ttl = 77;
    OK(store_ttl(db, B("k"), &ttl));
    CHECK(ttl == -1);
    OK(store_set(db, B("neg ttl"), B("v"), -5)); /* <= 0: no expiry */
    ttl = 77;
    OK(store_ttl(db, B("neg ttl"), &ttl));
    CHECK(ttl == -1);
    OK(store_set(db, B("ttl"), B("v"), 1500));
    OK(store_ttl(db, B("ttl"), &ttl));
    CHECK_MSG(ttl > 1300 && ttl <= 1500, "ttl of 1500 ms read back");
    /* Huge TTLs clamp and live; their TTL reads back positive (a regression
     * check: the round-up once overflowed to a large negative number). */
    static const int64_t huge[] = {INT64_MAX, INT64_MAX / 1000000, INT64_MAX / 1000000 + 1, 1LL << 50};
    for (size_t i = 0; i < sizeof huge / sizeof huge[0]; i++) {
        OK(store_set(db, B("ttl long"), B("v"), huge[i]));
        ttl = 0;
        OK(store_ttl(db, B("ttl long"), &ttl));
        CHECK_MSG(ttl > 1000LL * 3600 * 24 * 365, "a huge TTL reads back as more than a year");
    }
    EXPECT_VALUE(db, "ttl long", "v");
    /* Rounded up: a live key never reads 0. */
    for (int i = 0; i < 20; i++) {
        OK(store_set(db, B("short"), B("v"), 1));
        ttl = 77;
        store_status st = store_ttl(db, B("short"), &ttl);
        CHECK(st == STORE_NOT_FOUND || (st == STORE_OK && ttl == 1));
        CHECK(st == STORE_OK || ttl == 0);
    }
    ERR(store_ttl(db, B("k"), NULL), STORE_ERR_INVALID_ARG);
    ttl = 77;
    ERR(store_ttl(db, NULL, 2, &ttl), STORE_ERR_INVALID_ARG);
    CHECK(ttl == 0);
    ttl = 77;
    ST(store_ttl(db, B("missing"), &ttl), STORE_NOT_FOUND);
    CHECK(ttl == 0);

    /* Expiry: gone for get and ttl; a rewrite without ttl clears it. */
    OK(store_set(db, B("exp"), B("v"), 300));
    OK(store_set(db, B("keep"), B("v"), 300));
    OK(store_set(db, B("keep"), B("v2"), 0));
    EXPECT_VALUE(db, "exp", "v");
    sleep_ms(400);
    EXPECT_ABSENT(db, "exp");
    ttl = 77;
    ST(store_ttl(db, B("exp"), &ttl), STORE_NOT_FOUND);
    CHECK(ttl == 0);
    ST(store_delete(db, B("exp")), STORE_NOT_FOUND);
    EXPECT_VALUE(db, "keep", "v2");
    OK(store_ttl(db, B("keep"), &ttl));
    CHECK(ttl == -1);

    /* store_len. */
    ERR(store_len(db, NULL), STORE_ERR_INVALID_ARG);
    store_t fresh = open_memory();
    CHECK(len_of(fresh) == 0);
    for (int i = 0; i < 100; i++) {
        char key[16];
        snprintf(key, sizeof key, "n%03d", i);
        OK(store_set(fresh, B(key), B("v"), 0));
    }
    CHECK(len_of(fresh) == 100);
    OK(store_close(fresh));
    OK(store_close(db));
}

void test_many(void) {
    store_t db = open_memory();
    static const uint8_t nulkey[] = {'n', 0, 'k'};
    store_kv items[] = {
        {(const uint8_t *)"a", 1, (const uint8_t *)"alpha", 5, 0},
        {(const uint8_t *)"b", 1, (const uint8_t *)"beta", 4, 60000},
        {nulkey, sizeof nulkey, NULL, 0, 0},
        {NULL, 0, (const uint8_t *)"empty key", 9, -1},
    };
    OK(store_set_many(db, items, 4));
    CHECK(len_of(db) == 4);
    EXPECT_VALUE(db, "a", "alpha");
    EXPECT_VALUE(db, "b", "beta");
    EXPECT_VALUE(db, "", "empty key");
    int64_t ttl = 0;
    OK(store_ttl(db, B("b"), &ttl));
    CHECK(ttl > 59000 && ttl <= 60000);
    OK(store_ttl(db, B("a"), &ttl));
    CHECK(ttl == -1);
    store_bytes b = junk_bytes();
    OK(store_get(db, nulkey, sizeof nulkey, &b));
    CHECK(b.ptr != NULL && b.len == 0);
    store_bytes_free(&b);
    OK(store_set_many(db, NULL, 0));
    OK(store_set_many(db, items, 0));
    CHECK(len_of(db) == 4);

    /* All or nothing: a bad item anywhere writes none of them. */
    store_kv bad[] = {
        {(const uint8_t *)"x1", 2, (const uint8_t *)"1", 1, 0},
        {(const uint8_t *)"a", 1, (const uint8_t *)"changed", 7, 0},
        {NULL, 5, (const uint8_t *)"v", 1, 0},
    };
    ERR(store_set_many(db, bad, 3), STORE_ERR_INVALID_ARG);
    char msg[256];
    store_last_error(msg, sizeof msg);
    CHECK_MSG(strstr(msg, "item 2") != NULL, msg);
    bad[2].key = (const uint8_t *)"x3";
    bad[2].val = NULL; /* value NULL with length 1 */
    ERR(store_set_many(db, bad, 3), STORE_ERR_INVALID_ARG);
    EXPECT_ABSENT(db, "x1");
    EXPECT_ABSENT(db, "x3");
    EXPECT_VALUE(db, "a", "alpha");
    ERR(store_set_many(db, NULL, 2), STORE_ERR_INVALID_ARG);
    CHECK(len_of(db) == 4);
    store_kv one[] = {{(const uint8_t *)"new", 3, (const uint8_t *)"v", 1, 0}};
    ERR(store_set_many(0, one, 1), STORE_ERR_BAD_HANDLE);
    ERR(store_set_many(NEVER_ISSUED, one, 1), STORE_ERR_BAD_HANDLE);
    EXPECT_ABSENT(db, "new");

    /* store_get_many: in order, misses marked, NUL keys kept. */
    store_kv keys[] = {
        {(const uint8_t *)"b", 1, NULL, 0, 0},
        {(const uint8_t *)"missing", 7, (const uint8_t *)"ignored", 7, 5},
        {nulkey, sizeof nulkey, NULL, 0, 0},
        {NULL, 0, NULL, 0, 0},
        {(const uint8_t *)"a", 1, NULL, 0, 0},
        {(const uint8_t *)"a", 1, NULL, 0, 0},
    };
    b = junk_bytes();
    OK(store_get_many(db, keys, 6, &b));
    hit hits[8];
    long c = decode(&b, hits, 8);
    CHECK(c == 6);
    if (c == 6) {
        CHECK(hit_is(&hits[0], "b", "beta"));
        CHECK(hits[1].key_len == 7 && memcmp(hits[1].key, "missing", 7) == 0);
        CHECK(hits[1].val_len == STORE_MISSING && hits[1].val == NULL);
        CHECK(hits[2].key_len == 3 && memcmp(hits[2].key, nulkey, 3) == 0 && hits[2].val_len == 0);
        CHECK(hit_is(&hits[3], "", "empty key"));
        CHECK(hit_is(&hits[4], "a", "alpha") && hit_is(&hits[5], "a", "alpha"));
        for (int i = 0; i < 6; i++) {
            CHECK(hits[i].dist == 0.0);
        }
    }
    store_bytes_free(&b);
    OK(store_get_many(db, NULL, 0, &b));
    CHECK(b.ptr != NULL && b.len == 4 && decode(&b, hits, 8) == 0);
    store_bytes_free(&b);
    /* Errors. */
    ERR(store_get_many(db, keys, 6, NULL), STORE_ERR_INVALID_ARG);
    b = junk_bytes();
    ERR(store_get_many(db, NULL, 1, &b), STORE_ERR_INVALID_ARG);
    CHECK_ZEROED(b);
    store_kv badkey[] = {{(const uint8_t *)"a", 1, NULL, 0, 0}, {NULL, 2, NULL, 0, 0}};
    b = junk_bytes();
    ERR(store_get_many(db, badkey, 2, &b), STORE_ERR_INVALID_ARG);
    CHECK_ZEROED(b);
    store_t closed = open_memory();
    OK(store_close(closed));
    const store_t handles[] = {0, NEVER_ISSUED, closed};
    for (int i = 0; i < 3; i++) {
        b = junk_bytes();
        ERR(store_get_many(handles[i], keys, 2, &b), STORE_ERR_BAD_HANDLE);
        CHECK_ZEROED(b);
        ERR(store_set_many(handles[i], one, 1), STORE_ERR_BAD_HANDLE);
    }
    /* Expired keys are misses. */
    OK(store_set(db, B("soon"), B("v"), 20));
    sleep_ms(60);
    OK(store_get_many(db, (store_kv[]){{(const uint8_t *)"soon", 4, NULL, 0, 0}}, 1, &b));
    CHECK(decode(&b, hits, 8) == 1 && hits[0].val_len == STORE_MISSING);
    store_bytes_free(&b);
    CHECK(len_of(db) >= 4);

    /* store_delete_many: removes what is there, counts it, skips misses. */
    OK(store_set_many(db, (store_kv[]){{(const uint8_t *)"d1", 2, (const uint8_t *)"1", 1, 0},
                                       {(const uint8_t *)"d2", 2, (const uint8_t *)"2", 1, 0},
                                       {(const uint8_t *)"d3", 2, (const uint8_t *)"3", 1, 0}},
                       3));
    uint64_t before = len_of(db), deleted = 99;
    store_kv dels[] = {
        {(const uint8_t *)"d1", 2, NULL, 0, 0},
        {(const uint8_t *)"nope", 4, NULL, 0, 0},
        {(const uint8_t *)"d2", 2, (const uint8_t *)"ignored", 7, 0},
        {(const uint8_t *)"d1", 2, NULL, 0, 0},
    };
    OK(store_delete_many(db, dels, 4, &deleted));
    CHECK(deleted == 2);
    CHECK(len_of(db) == before - 2);
    EXPECT_ABSENT(db, "d1");
    EXPECT_ABSENT(db, "d2");
    EXPECT_VALUE(db, "d3", "3");
    OK(store_delete_many(db, NULL, 0, NULL));
    OK(store_delete_many(db, dels, 4, NULL)); /* deleted may be NULL */
    /* Errors change nothing and zero *deleted. */
    store_kv baddel[] = {{(const uint8_t *)"d3", 2, NULL, 0, 0}, {NULL, 1, NULL, 0, 0}};
    deleted = 99;
    ERR(store_delete_many(db, baddel, 2, &deleted), STORE_ERR_INVALID_ARG);
    CHECK(deleted == 0);
    store_last_error(msg, sizeof msg);
    CHECK_MSG(strstr(msg, "key 1") != NULL, msg);
    ERR(store_delete_many(db, NULL, 3, &deleted), STORE_ERR_INVALID_ARG);
    EXPECT_VALUE(db, "d3", "3");
    for (int i = 0; i < 3; i++) {
        deleted = 99;
        ERR(store_delete_many(handles[i], baddel, 1, &deleted), STORE_ERR_BAD_HANDLE);
        CHECK(deleted == 0);
    }
    store_t ro;
    OK(store_begin(db, 0, &ro));
    ERR(store_delete_many(ro, baddel, 1, &deleted), STORE_ERR_TX_READ_ONLY);
    OK(store_rollback(ro));
    store_t rw;
    OK(store_begin(db, 1, &rw));
    ERR(store_delete_many(db, baddel, 1, &deleted), STORE_ERR_WOULD_DEADLOCK);
    OK(store_delete_many(rw, baddel, 1, &deleted));
    CHECK(deleted == 1);
    OK(store_rollback(rw));
    EXPECT_VALUE(db, "d3", "3"); /* rolled back with its transaction */
    OK(store_close(db));
}
