/* The calls of issue 14: filtered queries (the _ex forms with
 * store_query_opts), prefix scans, field updates, index listing, and
 * indexes made inside a transaction. Filters are checked against the same
 * query unfiltered, filtered here in C; every error path leaves the output
 * zeroed and the store unchanged. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"

#define D(...) ((const double[]){__VA_ARGS__})
#define N_ITEMS 300
#define MAXH 512

/* The world: obj:<kind>:<i> at (x, y) with hp and a team. */
static int item_hp[N_ITEMS], item_x[N_ITEMS], item_y[N_ITEMS];
static const char *item_kind[N_ITEMS], *item_team[N_ITEMS];

static void fill(store_t db) {
    static const char *const kinds[] = {"player", "item", "npc"};
    static const char *const teams[] = {"red", "blue"};
    unsigned seed = 14;
    for (int i = 0; i < N_ITEMS; i++) {
        seed = seed * 1103515245u + 12345u;
        item_x[i] = (int)(seed >> 8) % 100;
        seed = seed * 1103515245u + 12345u;
        item_y[i] = (int)(seed >> 8) % 100;
        item_hp[i] = (int)((seed >> 4) % 100);
        item_kind[i] = kinds[i % 3];
        item_team[i] = teams[(i / 3) % 2];
        char key[64], val[128];
        snprintf(key, sizeof key, "obj:%s:%d", item_kind[i], i);
        snprintf(val, sizeof val, "{\"pos\":[%d,%d],\"hp\":%d,\"team\":\"%s\"}", item_x[i], item_y[i], item_hp[i],
                 item_team[i]);
        OK(store_set(db, B(key), B(val), 0));
    }
}

/* The item behind a key, or -1. */
static int item_of(const hit *h) {
    char key[64];
    size_t n = h->key_len < sizeof key - 1 ? h->key_len : sizeof key - 1;
    memcpy(key, h->key, n);
    key[n] = 0;
    const char *colon = strrchr(key, ':');
    return colon ? atoi(colon + 1) : -1;
}

/* The filter of these tests: players (match), hp in [lo, hi], team. */
static int passes(int i, int lo, int hi, const char *team) {
    return strcmp(item_kind[i], "player") == 0 && item_hp[i] >= lo && item_hp[i] <= hi &&
           strcmp(item_team[i], team) == 0;
}

static void test_filters_against_unfiltered(store_t db) {
    int checked = 0, narrowed = 0;
    for (int round = 0; round < 40; round++) {
        int lo = (round * 7) % 80, hi = lo + 10 + round % 30;
        const char *team = round % 2 ? "red" : "blue";
        store_where w[2] = {{.path = "hp", .op = STORE_WHERE_RANGE, .min = lo, .max = hi},
                            {.path = "team", .op = STORE_WHERE_STR_EQ, .str = (const uint8_t *)team,
                             .str_len = strlen(team)}};
        store_query_opts o = {.match = "obj:player:*", .where = w, .where_len = 2};
        double qmin[2] = {round % 50, (round * 3) % 50}, qmax[2] = {qmin[0] + 50, qmin[1] + 50};
        double pt[2] = {qmin[0] + 10, qmin[1] + 10};
        for (int kind = 0; kind < 3; kind++) {
            store_bytes all = junk_bytes(), got = junk_bytes();
            if (kind == 0) {
                OK(store_intersects(db, "pos", qmin, qmax, 2, 0, &all));
                OK(store_intersects_ex(db, "pos", qmin, qmax, 2, 0, &o, &got));
            } else if (kind == 1) {
                OK(store_within(db, "pos", qmin, qmax, 2, 0, &all));
                OK(store_within_ex(db, "pos", qmin, qmax, 2, 0, &o, &got));
            } else {
                OK(store_nearby(db, "pos", pt, 2, 0, -1, &all));
                OK(store_nearby_ex(db, "pos", pt, 2, 5, -1, &o, &got));
            }
            static hit ha[N_ITEMS + 1], hg[N_ITEMS + 1];
            long na = decode(&all, ha, N_ITEMS + 1), ng = decode(&got, hg, N_ITEMS + 1);
            /* The brute answer: the unfiltered hits that pass, in their
             * order (nearby: the first 5 that pass). */
            long want = 0, match = 1;
            for (long i = 0; i < na; i++) {
                if (!passes(item_of(&ha[i]), lo, hi, team) || (kind == 2 && want == 5)) {
                    continue;
                }
                if (kind == 2) {
                    match = match && want < ng && hg[want].dist == ha[i].dist;
                } else {
                    match = match && find_hit(hg, ng, "") < 0;
                    char key[64];
                    memcpy(key, ha[i].key, ha[i].key_len);
                    key[ha[i].key_len] = 0;
                    match = match && find_hit(hg, ng, key) >= 0;
                }
                want++;
            }
            CHECK_MSG(ng == want && match, "filtered query = unfiltered query filtered in C");
            checked += ng > 0;
            narrowed += ng < na;
            store_bytes_free(&all);
            store_bytes_free(&got);
        }
    }
    CHECK(checked > 20 && narrowed > 20);
}

static void test_batches_and_shapes(store_t db) {
    store_where w = {.path = "hp", .op = STORE_WHERE_RANGE, .min = 0, .max = 49};
    store_query_opts o = {.match = "obj:npc:*", .where = &w, .where_len = 1};
    const double mins[] = {0, 0, 50, 50}, maxs[] = {50, 50, 100, 100};
    store_bytes b = junk_bytes();
    /* Each batch query's section equals its single filtered query. */
    OK(store_intersects_many_ex(db, "pos", mins, maxs, 2, 2, 0, &o, &b));
    size_t used = 0, off = 0;
    static hit hb[MAXH], hs[MAXH];
    for (size_t q = 0; q < 2; q++) {
        long n = decode_part(b.ptr + off, b.len - off, &used, hb, MAXH);
        off += used;
        store_bytes s = junk_bytes();
        OK(store_intersects_ex(db, "pos", mins + 2 * q, maxs + 2 * q, 2, 0, &o, &s));
        CHECK(n >= 0 && n == decode(&s, hs, MAXH));
        store_bytes_free(&s);
    }
    CHECK(off == b.len);
    store_bytes_free(&b);
    b = junk_bytes();
    OK(store_within_many_ex(db, "pos", mins, maxs, 2, 2, 3, &o, &b));
    long n0 = decode_part(b.ptr, b.len, &used, hb, MAXH);
    CHECK(n0 >= 0 && n0 <= 3);
    store_bytes_free(&b);
    b = junk_bytes();
    OK(store_nearby_many_ex(db, "pos", D(10, 10, 90, 90), 2, 2, 4, -1, &o, &b));
    off = 0;
    for (int q = 0; q < 2; q++) {
        long n = decode_part(b.ptr + off, b.len - off, &used, hb, MAXH);
        off += used;
        CHECK(n == 4);
        for (long i = 0; i < n; i++) {
            int it = item_of(&hb[i]);
            CHECK(strcmp(item_kind[it], "npc") == 0 && item_hp[it] <= 49);
        }
    }
    store_bytes_free(&b);

    /* Keys only: same keys and distances, no value bytes. */
    store_query_opts keys = o;
    keys.flags = STORE_QUERY_KEYS_ONLY;
    store_bytes full = junk_bytes();
    OK(store_nearby_ex(db, "pos", D(50, 50), 2, 7, -1, &o, &full));
    b = junk_bytes();
    OK(store_nearby_ex(db, "pos", D(50, 50), 2, 7, -1, &keys, &b));
    long nf = decode(&full, hs, MAXH), nk = decode(&b, hb, MAXH);
    CHECK(nf == 7 && nk == 7);
    for (long i = 0; i < nk && i < nf; i++) {
        CHECK(hb[i].val_len == 0 && hb[i].key_len == hs[i].key_len && hb[i].dist == hs[i].dist &&
              memcmp(hb[i].key, hs[i].key, hb[i].key_len) == 0);
    }
    store_bytes_free(&full);
    store_bytes_free(&b);

    /* Count only: a u32 per query. */
    store_query_opts counts = o;
    counts.flags = STORE_QUERY_COUNT_ONLY;
    b = junk_bytes();
    OK(store_intersects_many_ex(db, "pos", mins, maxs, 2, 2, 0, &counts, &b));
    CHECK(b.len == 8);
    store_bytes one = junk_bytes();
    OK(store_intersects_ex(db, "pos", mins, maxs, 2, 0, &o, &one));
    uint32_t c0, c1 = 0;
    memcpy(&c0, b.ptr, 4);
    memcpy(&c1, one.ptr, 4);
    CHECK(c0 == c1 && c0 > 0);
    store_bytes_free(&b);
    store_bytes_free(&one);
    b = junk_bytes();
    OK(store_scan_ex(db, "", NULL, 0, NULL, 0, 0, 0, &counts, &b));
    CHECK(b.len == 4);
    store_bytes_free(&b);

    /* NULL options: the plain call, byte for byte. */
    store_bytes plain = junk_bytes();
    b = junk_bytes();
    OK(store_intersects(db, "pos", mins, maxs, 2, 0, &plain));
    OK(store_intersects_ex(db, "pos", mins, maxs, 2, 0, NULL, &b));
    CHECK(b.len == plain.len && memcmp(b.ptr, plain.ptr, b.len) == 0);
    store_bytes_free(&b);
    store_bytes_free(&plain);
}

/* A call with bad options fails with INVALID_ARG and zeroes out. */
static void expect_bad_opts(store_t db, const store_query_opts *o, const char *what) {
    store_bytes b;
    const double lo[] = {0, 0}, hi[] = {100, 100};
    for (int call = 0; call < 7; call++) {
        b = junk_bytes();
        store_status st;
        switch (call) {
        case 0: st = store_intersects_ex(db, "pos", lo, hi, 2, 0, o, &b); break;
        case 1: st = store_within_ex(db, "pos", lo, hi, 2, 0, o, &b); break;
        case 2: st = store_nearby_ex(db, "pos", lo, 2, 1, -1, o, &b); break;
        case 3: st = store_intersects_many_ex(db, "pos", lo, hi, 2, 1, 0, o, &b); break;
        case 4: st = store_within_many_ex(db, "pos", lo, hi, 2, 1, 0, o, &b); break;
        case 5: st = store_nearby_many_ex(db, "pos", lo, 2, 1, 1, -1, o, &b); break;
        default: st = store_scan_ex(db, "", NULL, 0, NULL, 0, 0, 0, o, &b); break;
        }
        t_errorf(st, STORE_ERR_INVALID_ARG, __FILE__, __LINE__, what);
        CHECK_ZEROED(b);
    }
}

static void test_option_errors(store_t db) {
    store_where w = {.path = "hp", .op = STORE_WHERE_RANGE, .min = 0, .max = 1};
    store_query_opts o = {0};
    o.flags = STORE_QUERY_KEYS_ONLY | STORE_QUERY_COUNT_ONLY;
    expect_bad_opts(db, &o, "keys-only and count-only");
    o.flags = 64;
    expect_bad_opts(db, &o, "unknown flag");
    o.flags = 0;
    o.match = "obj:\\";
    expect_bad_opts(db, &o, "pattern ending in an escape");
    o.match = "";
    expect_bad_opts(db, &o, "empty pattern");
    o.match = NULL;
    o.where_len = 1;
    expect_bad_opts(db, &o, "where NULL");
    o.where = &w;
    w.path = NULL;
    expect_bad_opts(db, &o, "path NULL");
    w.path = "";
    expect_bad_opts(db, &o, "path empty");
    w.path = "hp";
    w.min = 5;
    expect_bad_opts(db, &o, "min > max");
    w.min = NAN;
    expect_bad_opts(db, &o, "NaN bound");
    w.min = 0;
    w.op = 99;
    expect_bad_opts(db, &o, "unknown op");
    w.op = STORE_WHERE_EQ;
    w.min = INFINITY;
    expect_bad_opts(db, &o, "infinite equality");
    w.op = STORE_WHERE_STR_EQ;
    w.str = NULL;
    w.str_len = 3;
    expect_bad_opts(db, &o, "str NULL with a length");
    w.op = STORE_WHERE_STR_RANGE;
    w.str = (const uint8_t *)"z";
    w.str_len = 1;
    w.str_max = (const uint8_t *)"a";
    w.str_max_len = 1;
    expect_bad_opts(db, &o, "string bounds crossed");
    /* DESC belongs to scans only. */
    store_query_opts d = {.flags = STORE_SCAN_DESC};
    store_bytes b = junk_bytes();
    ERR(store_intersects_ex(db, "pos", D(0, 0), D(1, 1), 2, 0, &d, &b), STORE_ERR_INVALID_ARG);
    CHECK_ZEROED(b);
    b = junk_bytes();
    OK(store_scan_ex(db, "", NULL, 0, NULL, 0, 0, 1, &d, &b));
    hit h[2];
    CHECK(decode(&b, h, 2) == 1 && h[0].key[0] == 'o');
    store_bytes_free(&b);
    /* out NULL, bad handles. */
    ERR(store_nearby_ex(db, "pos", D(0, 0), 2, 1, -1, NULL, NULL), STORE_ERR_INVALID_ARG);
    store_t closed = open_memory();
    OK(store_close(closed));
    const store_t bad[] = {0, NEVER_ISSUED, closed};
    for (int i = 0; i < 3; i++) {
        b = junk_bytes();
        ERR(store_scan_ex(bad[i], "", NULL, 0, NULL, 0, 0, 0, NULL, &b), STORE_ERR_BAD_HANDLE);
        CHECK_ZEROED(b);
        b = junk_bytes();
        ERR(store_within_many_ex(bad[i], "pos", D(0), D(1), 1, 1, 0, NULL, &b), STORE_ERR_BAD_HANDLE);
        CHECK_ZEROED(b);
        ERR(store_set_field(bad[i], B("k"), "a", B("1")), STORE_ERR_BAD_HANDLE);
        ERR(store_incr_field(bad[i], B("k"), "a", 1, NULL), STORE_ERR_BAD_HANDLE);
        ERR(store_delete_field(bad[i], B("k"), "a"), STORE_ERR_BAD_HANDLE);
        ERR(store_update_fields(bad[i], NULL, 0), STORE_ERR_BAD_HANDLE);
        b = junk_bytes();
        ERR(store_indexes(bad[i], &b), STORE_ERR_BAD_HANDLE);
        CHECK_ZEROED(b);
    }
}

static void test_prefix(void) {
    store_t db = open_memory();
    const char *keys[] = {"region:a", "region:b", "region;", "regio", "region:c"};
    for (int i = 0; i < 5; i++) {
        OK(store_set(db, B(keys[i]), B("{\"name\":\"Zed\"}"), 0));
    }
    OK(store_set(db, B("j:1"), B("{\"name\":\"zebra\"}"), 0));
    store_bytes b = junk_bytes();
    OK(store_scan(db, "", B("region:"), NULL, 0, STORE_SCAN_PREFIX, 0, &b));
    hit h[8];
    long n = decode(&b, h, 8);
    CHECK(n == 3 && hit_is(&h[0], "region:a", "{\"name\":\"Zed\"}") && h[2].key[7] == 'c');
    store_bytes_free(&b);
    b = junk_bytes();
    OK(store_scan(db, "", B("region:"), NULL, 0, STORE_SCAN_PREFIX | STORE_SCAN_DESC, 1, &b));
    CHECK(decode(&b, h, 8) == 1 && h[0].key[7] == 'c');
    store_bytes_free(&b);
    /* A JSON index: case-insensitive prefix of the string at the path. */
    OK(store_create_index(db, "name", "*", STORE_INDEX_JSON, "name"));
    b = junk_bytes();
    OK(store_scan(db, "name", B("ZE"), NULL, 0, STORE_SCAN_PREFIX, 0, &b));
    CHECK(decode(&b, h, 8) == 6);
    store_bytes_free(&b);
    b = junk_bytes();
    OK(store_scan(db, "name", B("zeb"), NULL, 0, STORE_SCAN_PREFIX, 0, &b));
    CHECK(decode(&b, h, 8) == 1 && hit_is(&h[0], "j:1", "{\"name\":\"zebra\"}"));
    store_bytes_free(&b);
    /* With a filter on top. */
    store_query_opts o = {.match = "region:?"};
    b = junk_bytes();
    OK(store_scan_ex(db, "", B("reg"), NULL, 0, STORE_SCAN_PREFIX, 0, &o, &b));
    CHECK(decode(&b, h, 8) == 3);
    store_bytes_free(&b);
    /* Refusals: hi given, a numeric index. */
    b = junk_bytes();
    ERR(store_scan(db, "", B("a"), B("b"), STORE_SCAN_PREFIX, 0, &b), STORE_ERR_INVALID_ARG);
    CHECK_ZEROED(b);
    OK(store_create_index(db, "num", "*", STORE_INDEX_INT, NULL));
    b = junk_bytes();
    ERR(store_scan(db, "num", B("1"), NULL, 0, STORE_SCAN_PREFIX, 0, &b), STORE_ERR_INVALID_ARG);
    CHECK_ZEROED(b);
    b = junk_bytes();
    ERR(store_scan(db, "", NULL, 3, NULL, 0, STORE_SCAN_PREFIX, 0, &b), STORE_ERR_INVALID_ARG);
    CHECK_ZEROED(b);
    OK(store_close(db));
}

static void test_fields(void) {
    store_t db = open_memory();
    OK(store_create_spatial_index(db, "pos", "p:*", "pos"));
    const char *v = "{\"pos\":[1,1],\"hp\":10}";
    OK(store_set(db, B("p:1"), B(v), 5000000));
    OK(store_set(db, B("raw"), B("not json"), 0));
    OK(store_set_field(db, B("p:1"), "name", B("\"ann\"")));
    double n = -1;
    OK(store_incr_field(db, B("p:1"), "hp", -2.5, &n));
    CHECK(n == 7.5);
    OK(store_incr_field(db, B("p:1"), "hp", 2.5, NULL));
    OK(store_delete_field(db, B("p:1"), "name"));
    OK(store_set_field(db, B("p:1"), "pos", B("[8,8]"))); /* moves the item */
    EXPECT_VALUE(db, "p:1", "{\"pos\":[8,8],\"hp\":10}");
    store_bytes b = junk_bytes();
    hit h[4];
    OK(store_intersects(db, "pos", D(8, 8), D(8, 8), 2, 0, &b));
    CHECK(decode(&b, h, 4) == 1);
    store_bytes_free(&b);
    int64_t ttl = 0;
    OK(store_ttl(db, B("p:1"), &ttl));
    CHECK(ttl > 4000000); /* the TTL is kept */
    const char *now = "{\"pos\":[8,8],\"hp\":10}";

    /* Refusals, each changing nothing. */
    ST(store_set_field(db, B("nope"), "a", B("1")), STORE_NOT_FOUND);
    n = 5;
    ST(store_incr_field(db, B("nope"), "hp", 1, &n), STORE_NOT_FOUND);
    CHECK(n == 0);
    ST(store_delete_field(db, B("nope"), "hp"), STORE_NOT_FOUND);
    ERR(store_set_field(db, B("raw"), "a", B("1")), STORE_ERR_INVALID_ARG);
    ERR(store_set_field(db, B("p:1"), "a", B("{bad")), STORE_ERR_INVALID_ARG);
    ERR(store_set_field(db, B("p:1"), "", B("1")), STORE_ERR_INVALID_ARG);
    ERR(store_set_field(db, B("p:1"), "h*", B("1")), STORE_ERR_INVALID_ARG);
    ERR(store_set_field(db, B("p:1"), "hp.max", B("1")), STORE_ERR_INVALID_ARG);
    ERR(store_set_field(db, B("p:1"), NULL, B("1")), STORE_ERR_INVALID_ARG);
    ERR(store_set_field(db, B("p:1"), "a", NULL, 1), STORE_ERR_INVALID_ARG);
    ERR(store_set_field(db, NULL, 1, "a", B("1")), STORE_ERR_INVALID_ARG);
    ERR(store_set_field(db, B("p:1"), "pos", B("\"nowhere\"")), STORE_ERR_INVALID_ARG);
    n = 5;
    ERR(store_incr_field(db, B("p:1"), "pos", 1, &n), STORE_ERR_INVALID_ARG);
    CHECK(n == 0);
    ERR(store_incr_field(db, B("p:1"), "hp", NAN, NULL), STORE_ERR_INVALID_ARG);
    ERR(store_delete_field(db, B("p:1"), "mp"), STORE_ERR_INVALID_ARG);
    ERR(store_delete_field(db, B("p:1"), "pos"), STORE_ERR_INVALID_ARG);
    EXPECT_VALUE(db, "p:1", now);
    EXPECT_VALUE(db, "raw", "not json");

    /* The batch: all or none. */
    store_field_update ups[3] = {
        {.key = (const uint8_t *)"p:1", .key_len = 3, .path = "hp", .op = STORE_FIELD_INCR, .delta = 5},
        {.key = (const uint8_t *)"p:1", .key_len = 3, .path = "pos", .op = STORE_FIELD_SET,
         .val = (const uint8_t *)"[2,2]", .val_len = 5},
        {.key = (const uint8_t *)"p:1", .key_len = 3, .path = "hp", .op = STORE_FIELD_DELETE},
    };
    OK(store_update_fields(db, ups, 2));
    EXPECT_VALUE(db, "p:1", "{\"pos\":[2,2],\"hp\":15}");
    ups[2].path = "mp";
    ERR(store_update_fields(db, ups, 3), STORE_ERR_INVALID_ARG);
    ups[2].op = 42;
    ups[2].path = "hp";
    ERR(store_update_fields(db, ups, 3), STORE_ERR_INVALID_ARG);
    ups[2].op = STORE_FIELD_DELETE;
    ups[2].path = NULL;
    ERR(store_update_fields(db, ups, 3), STORE_ERR_INVALID_ARG);
    ups[2].path = "hp";
    ups[2].key = NULL;
    ERR(store_update_fields(db, ups, 3), STORE_ERR_INVALID_ARG);
    ups[2].key = (const uint8_t *)"zz";
    ups[2].key_len = 2;
    ST(store_update_fields(db, ups, 3), STORE_NOT_FOUND);
    ERR(store_update_fields(db, NULL, 2), STORE_ERR_INVALID_ARG);
    OK(store_update_fields(db, NULL, 0));
    EXPECT_VALUE(db, "p:1", "{\"pos\":[2,2],\"hp\":15}");

    /* In a transaction: read-only refuses; a rollback undoes the move. */
    store_t tx;
    OK(store_begin(db, 0, &tx));
    ERR(store_set_field(tx, B("p:1"), "hp", B("1")), STORE_ERR_TX_READ_ONLY);
    ERR(store_incr_field(tx, B("p:1"), "hp", 1, NULL), STORE_ERR_TX_READ_ONLY);
    ERR(store_delete_field(tx, B("p:1"), "hp"), STORE_ERR_TX_READ_ONLY);
    ERR(store_update_fields(tx, ups, 1), STORE_ERR_TX_READ_ONLY);
    OK(store_rollback(tx));
    OK(store_begin(db, 1, &tx));
    OK(store_set_field(tx, B("p:1"), "pos", B("[50,50]")));
    b = junk_bytes();
    OK(store_intersects(tx, "pos", D(50, 50), D(50, 50), 2, 0, &b));
    CHECK(decode(&b, h, 4) == 1);
    store_bytes_free(&b);
    OK(store_rollback(tx));
    b = junk_bytes();
    OK(store_intersects(db, "pos", D(2, 2), D(2, 2), 2, 0, &b));
    CHECK(decode(&b, h, 4) == 1);
    store_bytes_free(&b);
    OK(store_close(db));
}

/* The definitions in a store_indexes buffer, as "name|pattern|kind|path;". */
static void indexes_text(store_t h, char *out, size_t cap) {
    store_bytes b = junk_bytes();
    OK(store_indexes(h, &b));
    out[0] = 0;
    uint32_t count = 0;
    CHECK(b.len >= 4);
    memcpy(&count, b.ptr, 4);
    size_t off = 4;
    for (uint32_t i = 0; i < count && off + 16 <= b.len; i++) {
        uint32_t nl, pl, xl;
        int32_t kind;
        memcpy(&nl, b.ptr + off, 4);
        memcpy(&pl, b.ptr + off + 4, 4);
        memcpy(&xl, b.ptr + off + 8, 4);
        memcpy(&kind, b.ptr + off + 12, 4);
        off += 16;
        char one[256];
        snprintf(one, sizeof one, "%.*s|%.*s|%d|%.*s;", (int)nl, (const char *)b.ptr + off, (int)pl,
                 (const char *)b.ptr + off + nl, (int)kind, (int)xl, (const char *)b.ptr + off + nl + pl);
        off += nl + pl + xl;
        strncat(out, one, cap - strlen(out) - 1);
    }
    CHECK(off == b.len);
    store_bytes_free(&b);
}

static void test_index_listing_and_tx(void) {
    char *dir = make_tmpdir();
    char *path = path_join(dir, "db");
    store_t db;
    OK(store_open(path, NULL, &db));
    char text[1024];
    indexes_text(db, text, sizeof text);
    CHECK(strcmp(text, "") == 0);
    OK(store_create_index(db, "age", "user:*", STORE_INDEX_JSON, "age"));
    OK(store_set(db, B("r1:a"), B("{\"pos\":[1,1]}"), 0));

    /* A region made in a transaction, then rolled back. */
    store_t tx;
    OK(store_begin(db, 1, &tx));
    OK(store_create_spatial_index(tx, "r1", "r1:*", "pos"));
    OK(store_set(tx, B("r1:b"), B("{\"pos\":[2,2]}"), 0));
    ERR(store_set(tx, B("r1:c"), B("no geometry"), 0), STORE_ERR_INVALID_ARG); /* the new index refuses it */
    OK(store_drop_index(tx, "age"));
    indexes_text(tx, text, sizeof text);
    CHECK_MSG(strcmp(text, "r1|r1:*|100|pos;") == 0, text);
    store_bytes b = junk_bytes();
    hit h[4];
    OK(store_intersects(tx, "r1", D(0, 0), D(9, 9), 2, 0, &b));
    CHECK(decode(&b, h, 4) == 2);
    store_bytes_free(&b);
    OK(store_rollback(tx));
    indexes_text(db, text, sizeof text);
    CHECK_MSG(strcmp(text, "age|user:*|5|age;") == 0, text);
    b = junk_bytes();
    ERR(store_intersects(db, "r1", D(0, 0), D(9, 9), 2, 0, &b), STORE_ERR_NO_INDEX);
    CHECK_ZEROED(b);
    EXPECT_ABSENT(db, "r1:b");

    /* Read-only transactions refuse; a committed one persists. */
    OK(store_begin(db, 0, &tx));
    ERR(store_create_index(tx, "x", "*", STORE_INDEX_INT, NULL), STORE_ERR_TX_READ_ONLY);
    ERR(store_create_spatial_index(tx, "x", "*", NULL), STORE_ERR_TX_READ_ONLY);
    ERR(store_drop_index(tx, "age"), STORE_ERR_TX_READ_ONLY);
    OK(store_rollback(tx));
    ERR(store_create_index(tx, "x", "*", STORE_INDEX_INT, NULL), STORE_ERR_BAD_HANDLE);
    OK(store_begin(db, 1, &tx));
    OK(store_create_spatial_index(tx, "r1", "r1:*", "pos"));
    ERR(store_create_index(db, "y", "*", STORE_INDEX_INT, NULL), STORE_ERR_WOULD_DEADLOCK);
    OK(store_commit(tx));
    OK(store_close(db));
    OK(store_open(path, NULL, &db));
    indexes_text(db, text, sizeof text);
    CHECK_MSG(strcmp(text, "age|user:*|5|age;r1|r1:*|100|pos;") == 0, text);
    ERR(store_indexes(db, NULL), STORE_ERR_INVALID_ARG);
    OK(store_close(db));
    free(path);
    remove_tmpdir(dir);
}

/* Two shrinks at once: the second waits for the first (BuntDB pauses a
 * quarter second at the start of each, so they overlap) and both succeed,
 * where the second used to fail with BUSY. */
struct shrink_call {
    store_t db;
    store_status st;
};

static void *shrink_thread(void *arg) {
    struct shrink_call *c = arg;
    c->st = store_shrink(c->db);
    return NULL;
}

static void test_shrink_overlap(void) {
    char *dir = make_tmpdir();
    char *path = path_join(dir, "db");
    store_t db;
    OK(store_open(path, NULL, &db));
    for (int i = 0; i < 100; i++) {
        char key[16];
        snprintf(key, sizeof key, "k%d", i % 10);
        OK(store_set(db, B(key), B("some value"), 0));
    }
    struct shrink_call other = {db, STORE_ERR_INTERNAL};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, shrink_thread, &other) == 0);
    sleep_ms(20); /* inside the other's quarter-second pause */
    OK(store_shrink(db));
    CHECK(pthread_join(t, NULL) == 0);
    ST(other.st, STORE_OK);
    CHECK(len_of(db) == 10);
    OK(store_close(db));
    ERR(store_shrink(db), STORE_ERR_BAD_HANDLE);
    free(path);
    remove_tmpdir(dir);
}

void test_query(void) {
    store_t db = open_memory();
    OK(store_create_spatial_index(db, "pos", "obj:*", "pos"));
    fill(db);
    uint64_t before = len_of(db);
    test_filters_against_unfiltered(db);
    test_batches_and_shapes(db);
    test_option_errors(db);
    CHECK(len_of(db) == before);
    OK(store_close(db));
    test_prefix();
    test_fields();
    test_index_listing_and_tx();
    test_shrink_overlap();
}
