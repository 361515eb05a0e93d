/* store_get_into, store_get_many_into, store_ttl_many, and store_len with
 * expired items. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <string.h>

#include "t.h"

static void test_get_into_calls(store_t db) {
    static const uint8_t val[] = {'v', 0, 'a', 'l', 'u', 'e'};
    OK(store_set(db, B("k"), val, sizeof val, 0));
    OK(store_set(db, B("empty"), NULL, 0, 0));

    uint8_t buf[64];
    size_t n = 99;
    OK(store_get_into(db, B("k"), buf, sizeof buf, &n));
    CHECK(n == sizeof val && memcmp(buf, val, sizeof val) == 0);

    /* Exactly the size fits. */
    memset(buf, '#', sizeof buf);
    OK(store_get_into(db, B("k"), buf, sizeof val, &n));
    CHECK(n == sizeof val && memcmp(buf, val, sizeof val) == 0 && buf[sizeof val] == '#');

    /* One short: the size needed, nothing written. */
    memset(buf, '#', sizeof buf);
    n = 0;
    ERR(store_get_into(db, B("k"), buf, sizeof val - 1, &n), STORE_ERR_BUFFER_TOO_SMALL);
    CHECK(n == sizeof val && buf[0] == '#');
    /* NULL and 0 asks for the size. */
    n = 0;
    ERR(store_get_into(db, B("k"), NULL, 0, &n), STORE_ERR_BUFFER_TOO_SMALL);
    CHECK(n == sizeof val);
    /* An empty value fits anywhere, even NULL/0. */
    n = 99;
    OK(store_get_into(db, B("empty"), NULL, 0, &n));
    CHECK(n == 0);

    /* A miss: NOT_FOUND and a length of 0. */
    n = 99;
    ST(store_get_into(db, B("missing"), buf, sizeof buf, &n), STORE_NOT_FOUND);
    CHECK(n == 0);

    /* Argument errors. */
    ERR(store_get_into(db, B("k"), buf, sizeof buf, NULL), STORE_ERR_INVALID_ARG);
    n = 99;
    ERR(store_get_into(db, B("k"), NULL, 8, &n), STORE_ERR_INVALID_ARG);
    CHECK(n == 0);
    ERR(store_get_into(db, NULL, 3, buf, sizeof buf, &n), STORE_ERR_INVALID_ARG);

    /* Inside a transaction: sees its own writes. */
    store_t tx = 0;
    OK(store_begin(db, 1, &tx));
    OK(store_set(tx, B("k"), B("in tx"), 0));
    OK(store_get_into(tx, B("k"), buf, sizeof buf, &n));
    CHECK(n == 5 && memcmp(buf, "in tx", 5) == 0);
    /* A database-level call from the thread holding the transaction. */
    ERR(store_get_into(db, B("k"), buf, sizeof buf, &n), STORE_ERR_WOULD_DEADLOCK);
    OK(store_rollback(tx));
    OK(store_get_into(db, B("k"), buf, sizeof buf, &n));
    CHECK(n == sizeof val);
}

static void test_get_many_into_calls(store_t db) {
    OK(store_set(db, B("a"), B("1"), 0));
    OK(store_set(db, B("bb"), B("22"), 0));
    store_kv keys[3] = {{.key = (const uint8_t *)"a", .key_len = 1},
                        {.key = (const uint8_t *)"zz", .key_len = 2},
                        {.key = (const uint8_t *)"bb", .key_len = 2}};
    /* The same bytes as store_get_many. */
    store_bytes want = junk_bytes();
    OK(store_get_many(db, keys, 3, &want));
    uint8_t buf[256];
    size_t n = 0;
    OK(store_get_many_into(db, keys, 3, buf, sizeof buf, &n));
    CHECK(n == want.len && memcmp(buf, want.ptr, n) == 0);
    store_bytes view = {buf, n};
    hit hits[3];
    CHECK(decode(&view, hits, 3) == 3);
    CHECK(hit_is(&hits[0], "a", "1") && hits[1].val_len == STORE_MISSING && hit_is(&hits[2], "bb", "22"));

    /* Too small: the size needed and nothing written. */
    memset(buf, '#', sizeof buf);
    size_t need = 0;
    ERR(store_get_many_into(db, keys, 3, buf, want.len - 1, &need), STORE_ERR_BUFFER_TOO_SMALL);
    CHECK(need == want.len && buf[0] == '#');
    ERR(store_get_many_into(db, keys, 3, NULL, 0, &need), STORE_ERR_BUFFER_TOO_SMALL);
    CHECK(need == want.len);
    store_bytes_free(&want);

    /* No keys: the count alone. */
    OK(store_get_many_into(db, NULL, 0, buf, sizeof buf, &n));
    CHECK(n == 4 && buf[0] == 0 && buf[1] == 0 && buf[2] == 0 && buf[3] == 0);

    /* Argument errors. */
    ERR(store_get_many_into(db, keys, 3, buf, sizeof buf, NULL), STORE_ERR_INVALID_ARG);
    ERR(store_get_many_into(db, NULL, 2, buf, sizeof buf, &n), STORE_ERR_INVALID_ARG);
    ERR(store_get_many_into(db, keys, 3, NULL, 16, &n), STORE_ERR_INVALID_ARG);
    store_kv bad = {.key = NULL, .key_len = 4};
    ERR(store_get_many_into(db, &bad, 1, buf, sizeof buf, &n), STORE_ERR_INVALID_ARG);
}

static void test_ttl_many_calls(store_t db) {
    OK(store_set(db, B("forever"), B("v"), 0));
    OK(store_set(db, B("minute"), B("v"), 60000));
    store_kv keys[3] = {{.key = (const uint8_t *)"forever", .key_len = 7},
                        {.key = (const uint8_t *)"minute", .key_len = 6},
                        {.key = (const uint8_t *)"nope", .key_len = 4}};
    int64_t ttl[3] = {0, 0, 0};
    OK(store_ttl_many(db, keys, 3, ttl));
    CHECK(ttl[0] == STORE_TTL_NEVER);
    CHECK(ttl[1] > 59000 && ttl[1] <= 60000);
    CHECK(ttl[2] == STORE_TTL_MISSING);
    /* Each agrees with store_ttl. */
    int64_t one = 0;
    OK(store_ttl(db, B("forever"), &one));
    CHECK(one == STORE_TTL_NEVER);

    OK(store_ttl_many(db, NULL, 0, NULL));
    ERR(store_ttl_many(db, keys, 3, NULL), STORE_ERR_INVALID_ARG);
    ERR(store_ttl_many(db, NULL, 3, ttl), STORE_ERR_INVALID_ARG);
    store_kv bad = {.key = NULL, .key_len = 4};
    ERR(store_ttl_many(db, &bad, 1, ttl), STORE_ERR_INVALID_ARG);

    /* Expired keys read as missing. */
    OK(store_set(db, B("short"), B("v"), 50));
    sleep_ms(120);
    store_kv shortk = {.key = (const uint8_t *)"short", .key_len = 5};
    OK(store_ttl_many(db, &shortk, 1, ttl));
    CHECK(ttl[0] == STORE_TTL_MISSING);
}

/* store_len leaves out expired items, before BuntDB's sweep deletes them. */
static void test_len_expired(void) {
    store_t db = open_memory();
    for (int i = 0; i < 50; i++) {
        char key[16];
        snprintf(key, sizeof key, "k%02d", i);
        OK(store_set(db, B(key), B("v"), i % 2 ? 40 : 0));
    }
    CHECK(len_of(db) == 50);
    sleep_ms(100); /* under the sweep's second */
    CHECK(len_of(db) == 25);
    /* In a write transaction, with its own writes. */
    store_t tx = 0;
    OK(store_begin(db, 1, &tx));
    OK(store_set(tx, B("new"), B("v"), 0));
    OK(store_delete(tx, B("k00")));
    CHECK(len_of(tx) == 25);
    OK(store_rollback(tx));
    CHECK(len_of(db) == 25);
    OK(store_close(db));
}

static void test_closed_handles(void) {
    store_t db = open_memory();
    OK(store_close(db));
    uint8_t buf[8];
    size_t n = 0;
    int64_t ttl = 0;
    store_kv k = {.key = (const uint8_t *)"k", .key_len = 1};
    ERR(store_get_into(db, B("k"), buf, sizeof buf, &n), STORE_ERR_BAD_HANDLE);
    ERR(store_get_many_into(db, &k, 1, buf, sizeof buf, &n), STORE_ERR_BAD_HANDLE);
    ERR(store_ttl_many(db, &k, 1, &ttl), STORE_ERR_BAD_HANDLE);
    ERR(store_get_into(0, B("k"), buf, sizeof buf, &n), STORE_ERR_BAD_HANDLE);
    ERR(store_ttl_many(NEVER_ISSUED, &k, 1, &ttl), STORE_ERR_BAD_HANDLE);
}

void test_into(void) {
    store_t db = open_memory();
    test_get_into_calls(db);
    test_get_many_into_calls(db);
    test_ttl_many_calls(db);
    OK(store_close(db));
    test_len_expired();
    test_closed_handles();
    CHECK(store_outstanding_buffers() == 0);
}
