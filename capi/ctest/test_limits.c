/* The limits of store_options: every call over one fails with
 * STORE_ERR_LIMIT before it reads or copies anything, and changes nothing;
 * lengths far larger than the machine's memory included. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"

static store_t open_limited(void) {
    store_options o;
    store_options_default(&o);
    CHECK(o.max_key_size == STORE_DEFAULT_MAX_KEY_SIZE);
    CHECK(o.max_value_size == STORE_DEFAULT_MAX_VALUE_SIZE);
    CHECK(o.max_result_size == STORE_DEFAULT_MAX_RESULT_SIZE);
    CHECK(o.max_batch_items == STORE_DEFAULT_MAX_BATCH_ITEMS);
    o.max_key_size = 8;
    o.max_value_size = 16;
    o.max_result_size = 200;
    o.max_batch_items = 3;
    store_t db = 0;
    OK(store_open(":memory:", &o, &db));
    return db;
}

void test_limits(void) {
    /* Negative limits are refused; zeros are the defaults. */
    store_options o;
    store_options_default(&o);
    o.max_result_size = -1;
    store_t db = 0;
    ERR(store_open(":memory:", &o, &db), STORE_ERR_INVALID_ARG);
    CHECK(db == 0);
    store_options_default(&o);
    o.max_key_size = 0;
    OK(store_open(":memory:", &o, &db));
    uint8_t big_key[100];
    memset(big_key, 'k', sizeof big_key);
    OK(store_set(db, big_key, sizeof big_key, B("v"), 0)); /* 100 bytes < the default 64 KiB */
    OK(store_close(db));

    db = open_limited();
    OK(store_set(db, B("12345678"), B("0123456789abcdef"), 0)); /* at the limits */
    ERR(store_set(db, B("123456789"), B("v"), 0), STORE_ERR_LIMIT);
    ERR(store_set(db, B("k"), B("0123456789abcdefg"), 0), STORE_ERR_LIMIT);
    EXPECT_ABSENT(db, "k");

    /* Lengths no machine has, with a pointer to a few bytes: refused
     * before anything is read from it. */
    const uint8_t few[4] = {1, 2, 3, 4};
    ERR(store_set(db, few, 1, few, SIZE_MAX / 2, 0), STORE_ERR_LIMIT);
    ERR(store_set(db, few, SIZE_MAX, few, 1, 0), STORE_ERR_LIMIT);
    ERR(store_delete(db, few, SIZE_MAX / 4), STORE_ERR_LIMIT);
    store_kv huge[1] = {{few, 1, few, (size_t)1 << 50, 0}};
    ERR(store_set_many(db, huge, 1), STORE_ERR_LIMIT);
    /* A batch count no machine could hold: refused before items is read. */
    store_kv one[1] = {{B("a"), B("1"), 0}};
    ERR(store_set_many(db, one, SIZE_MAX / sizeof(store_kv)), STORE_ERR_LIMIT);
    uint64_t deleted = 99;
    ERR(store_delete_many(db, one, SIZE_MAX / 64, &deleted), STORE_ERR_LIMIT);
    CHECK(deleted == 0);
    store_bytes out = junk_bytes();
    ERR(store_get_many(db, one, (size_t)1 << 60, &out), STORE_ERR_LIMIT);
    CHECK_ZEROED(out);

    /* Over the batch limit by one: nothing written. */
    store_kv four[4] = {{B("a"), B("1"), 0}, {B("b"), B("2"), 0}, {B("c"), B("3"), 0}, {B("d"), B("4"), 0}};
    ERR(store_set_many(db, four, 4), STORE_ERR_LIMIT);
    EXPECT_ABSENT(db, "a");
    OK(store_set_many(db, four, 3));
    EXPECT_VALUE(db, "c", "3");

    /* Batch queries over the limit. */
    OK(store_create_spatial_index(db, "g", "g:*", NULL));
    double mins[8] = {0}, maxs[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    out = junk_bytes();
    ERR(store_intersects_many(db, "g", mins, maxs, 2, 4, 0, &out), STORE_ERR_LIMIT);
    CHECK_ZEROED(out);
    out = junk_bytes();
    ERR(store_within_many(db, "g", mins, maxs, 2, SIZE_MAX / 16, 0, &out), STORE_ERR_LIMIT);
    CHECK_ZEROED(out);
    out = junk_bytes();
    ERR(store_nearby_many(db, "g", mins, 2, 4, 1, -1, &out), STORE_ERR_LIMIT);
    CHECK_ZEROED(out);

    /* A result over 200 bytes: refused, no buffer handed out. */
    char key[8], val[17];
    for (int i = 0; i < 10; i++) {
        snprintf(key, sizeof key, "g:%d", i);
        snprintf(val, sizeof val, "[%d %d]", i, i);
        OK(store_set(db, (const uint8_t *)key, strlen(key), (const uint8_t *)val, strlen(val), 0));
    }
    uint64_t before = store_outstanding_buffers();
    out = junk_bytes();
    ERR(store_scan(db, "", NULL, 0, NULL, 0, 0, 0, &out), STORE_ERR_LIMIT);
    CHECK_ZEROED(out);
    out = junk_bytes();
    double lo[2] = {0, 0}, hi[2] = {100, 100};
    ERR(store_intersects(db, "g", lo, hi, 2, 0, &out), STORE_ERR_LIMIT);
    CHECK_ZEROED(out);
    CHECK(store_outstanding_buffers() == before);
    /* Within the limit, the same query works. */
    out = junk_bytes();
    OK(store_intersects(db, "g", lo, hi, 2, 3, &out));
    hit hits[3];
    CHECK(decode(&out, hits, 3) == 3);
    store_bytes_free(&out);

    /* The key-value batch reads of issue 10 take the batch limit too. */
    uint8_t into[256];
    size_t into_len = 99;
    ERR(store_get_many_into(db, four, 4, into, sizeof into, &into_len), STORE_ERR_LIMIT);
    CHECK(into_len == 0);
    ERR(store_get_many_into(db, one, (size_t)1 << 60, into, sizeof into, &into_len), STORE_ERR_LIMIT);
    OK(store_get_many_into(db, four, 3, into, sizeof into, &into_len));
    CHECK(into_len > 4);
    int64_t ttls[4] = {7, 7, 7, 7};
    ERR(store_ttl_many(db, four, 4, ttls), STORE_ERR_LIMIT);
    ERR(store_ttl_many(db, one, SIZE_MAX / 8, ttls), STORE_ERR_LIMIT);
    OK(store_ttl_many(db, four, 3, ttls));
    CHECK(ttls[0] == STORE_TTL_NEVER);

    /* The _ex queries: a keys-only result is limited by its own size, a
     * count-only one holds only counts and is never refused. */
    store_query_opts qo;
    memset(&qo, 0, sizeof qo);
    qo.flags = STORE_QUERY_KEYS_ONLY;
    out = junk_bytes();
    ERR(store_scan_ex(db, "", NULL, 0, NULL, 0, 0, 0, &qo, &out), STORE_ERR_LIMIT); /* 14 keys: 269 bytes */
    CHECK_ZEROED(out);
    out = junk_bytes();
    ERR(store_intersects_ex(db, "g", lo, hi, 2, 0, NULL, &out), STORE_ERR_LIMIT);
    CHECK_ZEROED(out);
    out = junk_bytes();
    OK(store_intersects_ex(db, "g", lo, hi, 2, 0, &qo, &out)); /* 10 keys: 194 bytes */
    CHECK(out.len == 194);
    store_bytes_free(&out);
    out = junk_bytes();
    ERR(store_intersects_many_ex(db, "g", lo, hi, 2, 1, 0, NULL, &out), STORE_ERR_LIMIT);
    CHECK_ZEROED(out);
    out = junk_bytes();
    ERR(store_nearby_many_ex(db, "g", lo, 2, 4, 1, -1, &qo, &out), STORE_ERR_LIMIT); /* 4 queries */
    CHECK_ZEROED(out);
    qo.flags = STORE_QUERY_COUNT_ONLY;
    out = junk_bytes();
    OK(store_scan_ex(db, "", NULL, 0, NULL, 0, 0, 0, &qo, &out));
    CHECK(out.len == 4 && out.ptr[0] == 14); /* 12345678, a, b, c and g:0..9 */
    store_bytes_free(&out);
    CHECK(store_outstanding_buffers() == before);

    /* Inside a transaction a refused write changes nothing and the
     * transaction goes on. */
    store_t tx = 0;
    OK(store_begin(db, 1, &tx));
    ERR(store_set(tx, B("x"), B("0123456789abcdefg"), 0), STORE_ERR_LIMIT);
    OK(store_set(tx, B("x"), B("fits"), 0));
    OK(store_commit(tx));
    EXPECT_VALUE(db, "x", "fits");
    OK(store_close(db));
}
