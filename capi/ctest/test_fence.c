/* Geofences: store_create_fence_box, _radius, _roam, store_drop_fence,
 * store_poll_events, store_set_event_capacity. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"

#define D(...) ((const double[]){__VA_ARGS__})

/* One decoded event. */
typedef struct event {
    uint8_t kind;
    int64_t time;
    char fence[32];
    char key[32];
} event;

static uint32_t u32_at(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t u64_at(const uint8_t *p) {
    return (uint64_t)u32_at(p) | (uint64_t)u32_at(p + 4) << 32;
}

/* Decodes an event buffer into at most max events (names under 32 bytes).
 * Returns the count, or -1 when the buffer is malformed. */
static long decode_events(const store_bytes *b, event *ev, size_t max, uint64_t *lost) {
    if (b->ptr == NULL || b->len < 12) {
        return -1;
    }
    uint32_t n = u32_at(b->ptr);
    *lost = u64_at(b->ptr + 4);
    size_t at = 12;
    if (n > max) {
        return -1;
    }
    for (uint32_t i = 0; i < n; i++) {
        if (b->len - at < 17) {
            return -1;
        }
        const uint8_t *p = b->ptr + at;
        ev[i].kind = p[0];
        ev[i].time = (int64_t)u64_at(p + 1);
        uint32_t fl = u32_at(p + 9), kl = u32_at(p + 13);
        at += 17;
        if (fl >= 32 || kl >= 32 || b->len - at < (size_t)fl + kl ||
            (ev[i].kind != STORE_EVENT_ENTER && ev[i].kind != STORE_EVENT_EXIT)) {
            return -1;
        }
        memcpy(ev[i].fence, b->ptr + at, fl);
        ev[i].fence[fl] = 0;
        memcpy(ev[i].key, b->ptr + at + fl, kl);
        ev[i].key[kl] = 0;
        at += fl + kl;
    }
    return at == b->len ? (long)n : -1;
}

/* Polls up to max events and checks them against want, a string of
 * "fence key +|-" entries separated by ", ", and the lost count. */
static void expect_events_at(store_t db, size_t max, const char *want, uint64_t want_lost, const char *file,
                             int line) {
    store_bytes b = junk_bytes();
    t_statusf(store_poll_events(db, max, &b), STORE_OK, file, line, "store_poll_events");
    event ev[64];
    uint64_t lost = 0;
    long n = decode_events(&b, ev, 64, &lost);
    store_bytes_free(&b);
    char got[2048] = "";
    int times_ok = 1;
    for (long i = 0; i < n; i++) {
        char one[80];
        snprintf(one, sizeof one, "%s%s %s %c", i ? ", " : "", ev[i].fence, ev[i].key,
                 ev[i].kind == STORE_EVENT_ENTER ? '+' : '-');
        strncat(got, one, sizeof got - strlen(got) - 1);
        times_ok = times_ok && ev[i].time > 0 && (i == 0 || ev[i].time >= ev[i - 1].time);
    }
    char what[2300];
    snprintf(what, sizeof what, "events [%s] lost %llu, want [%s] lost %llu", n < 0 ? "malformed" : got,
             (unsigned long long)lost, want, (unsigned long long)want_lost);
    t_result(n >= 0 && strcmp(got, want) == 0 && lost == want_lost && times_ok, file, line, what, NULL);
}
#define EXPECT_EVENTS(db, max, want, lost) expect_events_at((db), (max), (want), (lost), __FILE__, __LINE__)

static void test_fence_events(void) {
    store_t db = open_memory();
    OK(store_create_spatial_index(db, "g", "*", NULL));
    OK(store_set(db, B("p1"), B("[5 5]"), 0)); /* there before the fences: no event */
    OK(store_create_fence_box(db, "zone", "g", "p*", D(0, 0), D(10, 10), 2));
    OK(store_create_fence_box(db, "zone", "g", "p*", D(0, 0), D(10, 10), 2)); /* the same: nothing */
    OK(store_create_fence_radius(db, "circle", "g", NULL, D(50, 50), 2, 5));
    OK(store_create_fence_roam(db, "aggro", "g", "p*", B("m"), 3));
    EXPECT_EVENTS(db, 0, "", 0);

    OK(store_set(db, B("p2"), B("[1 1]"), 0));
    OK(store_set(db, B("m"), B("[50 50]"), 0));
    OK(store_set(db, B("p3"), B("[51 50]"), 0));
    OK(store_set(db, B("m"), B("[100 100]"), 0));
    EXPECT_EVENTS(db, 2, "zone p2 +, circle m +", 0);
    EXPECT_EVENTS(db, 0, "aggro p3 +, circle p3 +, aggro p3 -, circle m -", 0);

    /* A rolled-back transaction makes no event; a committed one makes its
     * events in fence order, then key order. */
    store_t tx = 0;
    OK(store_begin(db, 1, &tx));
    OK(store_set(tx, B("p1"), B("[90 90]"), 0));
    OK(store_rollback(tx));
    EXPECT_EVENTS(db, 0, "", 0);
    OK(store_begin(db, 1, &tx));
    OK(store_set(tx, B("p9"), B("[2 2]"), 0));
    OK(store_delete(tx, B("p1")));
    OK(store_set(tx, B("m"), B("[50 52]"), 0));
    OK(store_commit(tx));
    EXPECT_EVENTS(db, 0, "aggro p3 +, circle m +, zone p1 -, zone p9 +", 0);

    /* Dropping a fence keeps its queued events. */
    OK(store_set(db, B("p9"), B("[20 20]"), 0));
    OK(store_drop_fence(db, "zone"));
    OK(store_set(db, B("p2"), B("[30 30]"), 0)); /* leaves no fence now */
    EXPECT_EVENTS(db, 0, "zone p9 -", 0);

    /* Overflow: the oldest go, the next poll counts them, the one after
     * does not. */
    OK(store_set_event_capacity(db, 2));
    OK(store_set(db, B("x1"), B("[50 50]"), 0));
    OK(store_set(db, B("x2"), B("[50 50]"), 0));
    OK(store_set(db, B("x3"), B("[50 50]"), 0));
    EXPECT_EVENTS(db, 0, "circle x2 +, circle x3 +", 1);
    EXPECT_EVENTS(db, 0, "", 0);
    OK(store_set_event_capacity(db, STORE_EVENT_CAPACITY_DEFAULT));

    /* Expiry: the item leaves its fences when the store removes it. */
    OK(store_set(db, B("brief"), B("[50 50]"), 300)); /* alive when its commit is weighed, even under load */
    EXPECT_EVENTS(db, 0, "circle brief +", 0);
    store_bytes b = junk_bytes();
    uint32_t n = 0;
    for (int i = 0; i < 250 && n == 0; i++) {
        sleep_ms(20);
        OK(store_poll_events(db, 0, &b));
        n = b.len >= 4 ? u32_at(b.ptr) : 0;
        if (n == 0) {
            store_bytes_free(&b);
        }
    }
    event ev[4];
    uint64_t lost = 0;
    CHECK(decode_events(&b, ev, 4, &lost) == 1 && strcmp(ev[0].key, "brief") == 0 &&
          ev[0].kind == STORE_EVENT_EXIT && strcmp(ev[0].fence, "circle") == 0);
    store_bytes_free(&b);
    OK(store_close(db));
}

static void test_fence_errors(void) {
    store_t db = open_memory();
    OK(store_create_spatial_index(db, "g", "*", NULL));
    OK(store_create_index(db, "o", "*", STORE_INDEX_STRING, NULL));
    const double *lo = D(0, 0), *hi = D(1, 1);
    ERR(store_create_fence_box(db, NULL, "g", NULL, lo, hi, 2), STORE_ERR_INVALID_ARG);
    ERR(store_create_fence_box(db, "", "g", NULL, lo, hi, 2), STORE_ERR_INVALID_ARG);
    ERR(store_create_fence_box(db, "f", NULL, NULL, lo, hi, 2), STORE_ERR_INVALID_ARG);
    ERR(store_create_fence_box(db, "f", "g", NULL, NULL, hi, 2), STORE_ERR_INVALID_ARG);
    ERR(store_create_fence_box(db, "f", "g", NULL, lo, NULL, 2), STORE_ERR_INVALID_ARG);
    ERR(store_create_fence_box(db, "f", "g", NULL, lo, hi, 0), STORE_ERR_INVALID_ARG);
    ERR(store_create_fence_box(db, "f", "g", NULL, lo, hi, STORE_MAX_DIMS + 1), STORE_ERR_INVALID_ARG);
    ERR(store_create_fence_box(db, "f", "g", NULL, D(2, 0), hi, 2), STORE_ERR_INVALID_ARG); /* min > max */
    ERR(store_create_fence_box(db, "f", "g", NULL, D(NAN, 0), hi, 2), STORE_ERR_INVALID_ARG);
    ERR(store_create_fence_box(db, "f", "g", NULL, D(-INFINITY, 0), hi, 2), STORE_ERR_INVALID_ARG);
    ERR(store_create_fence_box(db, "f", "nope", NULL, lo, hi, 2), STORE_ERR_NO_INDEX);
    ERR(store_create_fence_box(db, "f", "o", NULL, lo, hi, 2), STORE_ERR_NO_INDEX);
    ERR(store_create_fence_box(0, "f", "g", NULL, lo, hi, 2), STORE_ERR_BAD_HANDLE);
    ERR(store_create_fence_radius(db, "f", "g", NULL, NULL, 2, 1), STORE_ERR_INVALID_ARG);
    ERR(store_create_fence_radius(db, "f", "g", NULL, lo, 2, -1), STORE_ERR_INVALID_ARG);
    ERR(store_create_fence_radius(db, "f", "g", NULL, lo, 2, NAN), STORE_ERR_INVALID_ARG);
    ERR(store_create_fence_radius(db, "f", "g", NULL, lo, 2, INFINITY), STORE_ERR_INVALID_ARG);
    ERR(store_create_fence_radius(db, NULL, "g", NULL, lo, 2, 1), STORE_ERR_INVALID_ARG);
    ERR(store_create_fence_radius(db, "f", "nope", NULL, lo, 2, 1), STORE_ERR_NO_INDEX);
    ERR(store_create_fence_radius(NEVER_ISSUED, "f", "g", NULL, lo, 2, 1), STORE_ERR_BAD_HANDLE);
    ERR(store_create_fence_roam(db, "f", "g", NULL, NULL, 3, 1), STORE_ERR_INVALID_ARG);
    ERR(store_create_fence_roam(db, "f", "g", NULL, B("k"), -0.5), STORE_ERR_INVALID_ARG);
    ERR(store_create_fence_roam(db, "f", NULL, NULL, B("k"), 1), STORE_ERR_INVALID_ARG);
    ERR(store_create_fence_roam(db, "f", "o", NULL, B("k"), 1), STORE_ERR_NO_INDEX);
    ERR(store_create_fence_roam(NEVER_ISSUED, "f", "g", NULL, B("k"), 1), STORE_ERR_BAD_HANDLE);
    OK(store_create_fence_roam(db, "f", "g", NULL, NULL, 0, 1)); /* the empty key is a key */
    ERR(store_create_fence_roam(db, "f", "g", NULL, B("k"), 1), STORE_ERR_INDEX_EXISTS);
    ERR(store_create_fence_box(db, "f", "g", NULL, lo, hi, 2), STORE_ERR_INDEX_EXISTS);
    ERR(store_drop_fence(db, NULL), STORE_ERR_INVALID_ARG);
    ERR(store_drop_fence(db, ""), STORE_ERR_INVALID_ARG);
    ERR(store_drop_fence(db, "nope"), STORE_NOT_FOUND);
    ERR(store_drop_fence(NEVER_ISSUED, "f"), STORE_ERR_BAD_HANDLE);
    ERR(store_set_event_capacity(db, 0), STORE_ERR_INVALID_ARG);
    ERR(store_set_event_capacity(db, (size_t)STORE_EVENT_CAPACITY_MAX + 1), STORE_ERR_INVALID_ARG);
    ERR(store_set_event_capacity(db, SIZE_MAX), STORE_ERR_INVALID_ARG);
    ERR(store_set_event_capacity(0, 5), STORE_ERR_BAD_HANDLE);
    ERR(store_poll_events(db, 0, NULL), STORE_ERR_INVALID_ARG);
    store_bytes b = junk_bytes();
    ERR(store_poll_events(NEVER_ISSUED, 0, &b), STORE_ERR_BAD_HANDLE);
    CHECK_ZEROED(b);

    /* A transaction handle is not a database handle; and the database
     * call from the thread holding the transaction would deadlock. */
    OK(store_create_fence_box(db, "b", "g", NULL, lo, hi, 2));
    store_t tx = 0;
    OK(store_begin(db, 1, &tx));
    ERR(store_poll_events(tx, 0, &b), STORE_ERR_BAD_HANDLE);
    ERR(store_create_fence_box(tx, "t", "g", NULL, lo, hi, 2), STORE_ERR_BAD_HANDLE);
    OK(store_set(tx, B("in"), B("[0.5 0.5]"), 0));
    EXPECT_EVENTS(db, 0, "", 0); /* polling inside a transaction: fine, nothing yet */
    OK(store_set_event_capacity(db, 5));
    ERR(store_drop_fence(db, "f"), STORE_ERR_WOULD_DEADLOCK);
    ERR(store_create_fence_radius(db, "t", "g", NULL, lo, 2, 1), STORE_ERR_WOULD_DEADLOCK);
    ERR(store_create_fence_roam(db, "t", "g", NULL, B("k"), 1), STORE_ERR_WOULD_DEADLOCK);
    OK(store_commit(tx));
    EXPECT_EVENTS(db, 0, "b in +", 0); /* not f: no item under its (empty) key */

    /* Dropping the index drops its fences. */
    OK(store_drop_index(db, "g"));
    ERR(store_drop_fence(db, "f"), STORE_NOT_FOUND);
    OK(store_close(db));
    ERR(store_poll_events(db, 0, &b), STORE_ERR_BAD_HANDLE);
    CHECK_ZEROED(b);
    ERR(store_set_event_capacity(db, 5), STORE_ERR_BAD_HANDLE);
    ERR(store_drop_fence(db, "f"), STORE_ERR_BAD_HANDLE);
}

/* Fences persist with their definitions; unpolled events do not. */
static void test_fence_reopen(void) {
    char *dir = make_tmpdir();
    if (dir == NULL) {
        return;
    }
    char *file = path_join(dir, "data.db");
    store_t db = 0;
    OK(store_open(file, NULL, &db));
    OK(store_create_spatial_index(db, "g", "*", "pos"));
    OK(store_set(db, B("m"), B("{\"pos\":[0,0,0]}"), 0));
    OK(store_create_fence_roam(db, "aggro", "g", NULL, B("m"), 2));
    OK(store_create_fence_box(db, "zone", "g", NULL, D(-1, -1, -1), D(1, 1, 1), 3));
    OK(store_set(db, B("p"), B("{\"pos\":[1,0,0]}"), 0));
    OK(store_close(db)); /* "aggro p +", "zone p +" unpolled: gone */
    OK(store_open(file, NULL, &db));
    EXPECT_EVENTS(db, 0, "", 0);
    OK(store_set(db, B("p"), B("{\"pos\":[5,0,0]}"), 0));
    EXPECT_EVENTS(db, 0, "aggro p -, zone p -", 0);
    OK(store_close(db));
    free(file);
    remove_tmpdir(dir);
}

void test_fence(void) {
    test_fence_events();
    test_fence_errors();
    test_fence_reopen();
}
