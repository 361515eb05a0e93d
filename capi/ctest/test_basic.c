/* The library functions, buffers, and opening and closing. */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"

/* ---- store_abi_version, store_status_name, store_last_error -------------------- */

static void *fresh_thread_error(void *arg) {
    size_t *out = arg;
    char buf[16] = "sentinel";
    out[0] = store_last_error(NULL, 0);
    out[1] = store_last_error(buf, sizeof buf);
    out[2] = buf[0] == '\0';
    /* An error here is this thread's alone. */
    ERR(store_close(NEVER_ISSUED), STORE_ERR_BAD_HANDLE);
    out[3] = store_last_error(NULL, 0);
    return NULL;
}

void test_library(void) {
    CHECK(store_abi_version() == STORE_ABI_VERSION);
    CHECK(store_abi_version() == 2); /* 2: store_options grew the limits */

    static const struct {
        store_status st;
        const char *name;
    } names[] = {
        {STORE_OK, "STORE_OK"},
        {STORE_NOT_FOUND, "STORE_NOT_FOUND"},
        {STORE_ERR_INVALID_ARG, "STORE_ERR_INVALID_ARG"},
        {STORE_ERR_BAD_HANDLE, "STORE_ERR_BAD_HANDLE"},
        {STORE_ERR_CLOSED, "STORE_ERR_CLOSED"},
        {STORE_ERR_TX_READ_ONLY, "STORE_ERR_TX_READ_ONLY"},
        {STORE_ERR_TX_CLOSED, "STORE_ERR_TX_CLOSED"},
        {STORE_ERR_INDEX_EXISTS, "STORE_ERR_INDEX_EXISTS"},
        {STORE_ERR_NO_INDEX, "STORE_ERR_NO_INDEX"},
        {STORE_ERR_WOULD_DEADLOCK, "STORE_ERR_WOULD_DEADLOCK"},
        {STORE_ERR_IO, "STORE_ERR_IO"},
        {STORE_ERR_CORRUPT, "STORE_ERR_CORRUPT"},
        {STORE_ERR_BUSY, "STORE_ERR_BUSY"},
        {STORE_ERR_INTERNAL, "STORE_ERR_INTERNAL"},
        {STORE_ERR_LIMIT, "STORE_ERR_LIMIT"},
        {STORE_ERR_BUFFER_TOO_SMALL, "STORE_ERR_BUFFER_TOO_SMALL"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *got = store_status_name(names[i].st);
        CHECK_MSG(got != NULL && strcmp(got, names[i].name) == 0, names[i].name);
    }
    static const store_status unknown[] = {2, 3, -15, 100, -100, INT32_MAX, INT32_MIN};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        const char *got = store_status_name(unknown[i]);
        CHECK(got != NULL && strcmp(got, "STORE_UNKNOWN_STATUS") == 0);
    }

    /* A thread that never failed has no message, and its failure does not
     * touch this thread's. */
    ERR(store_close(0), STORE_ERR_BAD_HANDLE);
    size_t mine = store_last_error(NULL, 0);
    char before[512];
    CHECK(store_last_error(before, sizeof before) == mine);
    pthread_t t;
    size_t fresh[4] = {99, 99, 0, 0};
    CHECK(pthread_create(&t, NULL, fresh_thread_error, fresh) == 0);
    CHECK(pthread_join(t, NULL) == 0);
    CHECK(fresh[0] == 0);
    CHECK(fresh[1] == 0);
    CHECK(fresh[2] == 1);
    CHECK(fresh[3] > 0);
    char after[512];
    CHECK(store_last_error(after, sizeof after) == mine);
    CHECK(strcmp(before, after) == 0);

    /* Full length, truncation, cap 0 and NULL. */
    size_t full = store_last_error(NULL, 0);
    CHECK(full > 8);
    CHECK(full < sizeof before);
    char buf[512];
    memset(buf, 'x', sizeof buf);
    CHECK(store_last_error(buf, sizeof buf) == full);
    CHECK(strlen(buf) == full);
    CHECK(strstr(buf, "handle") != NULL);
    memset(buf, 'x', sizeof buf);
    CHECK(store_last_error(buf, 5) == full); /* truncated: 4 bytes and NUL */
    CHECK(buf[4] == '\0' && memcmp(buf, before, 4) == 0 && buf[5] == 'x');
    memset(buf, 'x', sizeof buf);
    CHECK(store_last_error(buf, 1) == full);
    CHECK(buf[0] == '\0' && buf[1] == 'x');
    memset(buf, 'x', sizeof buf);
    CHECK(store_last_error(buf, 0) == full); /* cap 0: buf untouched */
    CHECK(buf[0] == 'x');
    CHECK(store_last_error(NULL, 100) == full); /* NULL buf: only the size */
    memset(buf, 'x', sizeof buf);
    CHECK(store_last_error(buf, full + 1) == full); /* exactly fits */
    CHECK(strlen(buf) == full && buf[full + 1] == 'x');
    memset(buf, 'x', sizeof buf);
    CHECK(store_last_error(buf, full) == full); /* one short */
    CHECK(strlen(buf) == full - 1);

    /* A successful call does not clear the message. */
    store_t db = open_memory();
    OK(store_set(db, B("k"), B("v"), 0));
    CHECK(store_last_error(NULL, 0) == full);
    /* A miss is not a failure: the message stays. */
    ST(store_delete(db, B("nope")), STORE_NOT_FOUND);
    CHECK(store_last_error(NULL, 0) == full);
    /* A later failure replaces it. */
    ERR(store_set(db, NULL, 3, B("v"), 0), STORE_ERR_INVALID_ARG);
    CHECK(store_last_error(buf, sizeof buf) > 0);
    CHECK(strstr(buf, "key") != NULL);
    OK(store_close(db));
}

/* ---- store_bytes_free, store_outstanding_buffers ---------------------------------- */

void test_buffers(void) {
    uint64_t start = store_outstanding_buffers();
    store_bytes_free(NULL);
    store_bytes none = {NULL, 0};
    store_bytes_free(&none);
    CHECK(none.ptr == NULL && none.len == 0);
    store_bytes odd = {NULL, 7}; /* NULL pointer: nothing to do */
    store_bytes_free(&odd);
    CHECK(store_outstanding_buffers() == start);

    store_t db = open_memory();
    OK(store_set(db, B("k"), B("value"), 0));
    store_bytes b = {NULL, 0};
    OK(store_get(db, B("k"), &b));
    CHECK(b.ptr != NULL && b.len == 5);
    CHECK(store_outstanding_buffers() == start + 1);
    store_bytes copy = b;
    store_bytes_free(&b);
    CHECK(b.ptr == NULL && b.len == 0);
    CHECK(store_outstanding_buffers() == start);
    store_bytes_free(&b); /* twice through the same struct */
    CHECK(b.ptr == NULL && b.len == 0);
    store_bytes_free(&copy); /* a copy of a freed buffer: ignored */
    CHECK(store_outstanding_buffers() == start);

    /* Pointers the library never returned are ignored, not freed. */
    uint8_t *mine = malloc(16);
    CHECK(mine != NULL);
    memcpy(mine, "0123456789abcdef", 16);
    store_bytes foreign = {mine, 16};
    store_bytes_free(&foreign);
    CHECK(memcmp(mine, "0123456789abcdef", 16) == 0);
    free(mine); /* still ours: a double free would abort here */
    uint8_t local[4] = {1, 2, 3, 4};
    store_bytes stack = {local, sizeof local};
    store_bytes_free(&stack);
    CHECK(local[0] == 1 && local[3] == 4);
    OK(store_get(db, B("k"), &b));
    store_bytes inside = {b.ptr + 1, 2}; /* inside a returned buffer */
    store_bytes_free(&inside);
    CHECK(store_outstanding_buffers() == start + 1);
    CHECK(memcmp(b.ptr, "value", 5) == 0);
    store_bytes_free(&b);
    CHECK(store_outstanding_buffers() == start);

    /* An empty value still comes back in a real buffer. */
    OK(store_set(db, B("empty"), NULL, 0, 0));
    OK(store_get(db, B("empty"), &b));
    CHECK(b.ptr != NULL && b.len == 0);
    CHECK(store_outstanding_buffers() == start + 1);
    store_bytes_free(&b);
    CHECK(b.ptr == NULL);

    /* Many at once, freed out of order. */
    store_bytes many[50];
    for (int i = 0; i < 50; i++) {
        OK(store_get(db, B("k"), &many[i]));
    }
    CHECK(store_outstanding_buffers() == start + 50);
    for (int i = 0; i < 50; i += 2) {
        store_bytes_free(&many[i]);
    }
    for (int i = 1; i < 50; i += 2) {
        store_bytes_free(&many[i]);
    }
    CHECK(store_outstanding_buffers() == start);
    OK(store_close(db));
}

/* ---- store_options_default, store_open, store_close ---------------------------------- */

void test_open_close(void) {
    store_options_default(NULL); /* NULL-safe */
    store_options o;
    memset(&o, 0x5a, sizeof o);
    store_options_default(&o);
    CHECK(o.sync_policy == STORE_SYNC_EVERY_SECOND);
    CHECK(o.auto_shrink_percentage == 100);
    CHECK(o.auto_shrink_min_size == 32 * 1024 * 1024);
    CHECK(o.auto_shrink_disabled == 0);

    store_t a = 0, b = 0;
    OK(store_open(":memory:", NULL, &a));
    OK(store_open(":memory:", &o, &b));
    CHECK(a != 0 && b != 0 && a != b);
    /* Two memory stores are separate. */
    OK(store_set(a, B("k"), B("in a"), 0));
    EXPECT_ABSENT(b, "k");
    EXPECT_VALUE(a, "k", "in a");

    char *dir = make_tmpdir();
    char *file = path_join(dir, "opts.db");
    store_t out = 77;
    ERR(store_open(":memory:", NULL, NULL), STORE_ERR_INVALID_ARG);
    ERR(store_open(NULL, NULL, &out), STORE_ERR_INVALID_ARG);
    CHECK(out == 0);
    out = 77;
    ERR(store_open("", NULL, &out), STORE_ERR_INVALID_ARG);
    CHECK(out == 0);
    out = 77;
    ERR(store_open(dir, NULL, &out), STORE_ERR_INVALID_ARG); /* a directory */
    CHECK(out == 0);

    /* Bad options: refused before anything is created. */
    struct {
        const char *what;
        store_options o;
    } bad[6];
    for (int i = 0; i < 6; i++) {
        store_options_default(&bad[i].o);
    }
    bad[0].what = "sync policy 9", bad[0].o.sync_policy = 9;
    bad[1].what = "sync policy -1", bad[1].o.sync_policy = -1;
    bad[2].what = "shrink percentage -1", bad[2].o.auto_shrink_percentage = -1;
    bad[3].what = "shrink min size -1", bad[3].o.auto_shrink_min_size = -1;
    bad[4].what = "shrink percentage INT32_MIN", bad[4].o.auto_shrink_percentage = INT32_MIN;
    bad[5].what = "shrink min size INT64_MIN", bad[5].o.auto_shrink_min_size = INT64_MIN;
    for (int i = 0; i < 6; i++) {
        out = 77;
        ERR(store_open(file, &bad[i].o, &out), STORE_ERR_INVALID_ARG);
        CHECK_MSG(out == 0, bad[i].what);
        CHECK_MSG(!file_exists(file), bad[i].what);
        out = 77;
        ERR(store_open(":memory:", &bad[i].o, &out), STORE_ERR_INVALID_ARG);
        CHECK_MSG(out == 0, bad[i].what);
    }
    /* Good non-default options. */
    store_options good;
    store_options_default(&good);
    good.sync_policy = STORE_SYNC_ALWAYS;
    good.auto_shrink_percentage = 0;
    good.auto_shrink_min_size = 0;
    good.auto_shrink_disabled = 1;
    store_t f = 0;
    OK(store_open(file, &good, &f));
    OK(store_set(f, B("k"), B("v"), 0));
    OK(store_close(f));
    good.sync_policy = STORE_SYNC_NEVER;
    OK(store_open(file, &good, &f));
    EXPECT_VALUE(f, "k", "v");
    OK(store_close(f));

    /* A missing parent folder is the operating system's refusal. */
    char *missing = path_join(dir, "no/such/dir.db");
    out = 77;
    ERR(store_open(missing, NULL, &out), STORE_ERR_IO);
    CHECK(out == 0);
    free(missing);

    /* A file that is not a store. */
    char *garbage = path_join(dir, "garbage.db");
    static const char text[] = "this is not a store file\nat all\n";
    CHECK(write_file(garbage, text, sizeof text - 1) == 0);
    out = 77;
    ERR(store_open(garbage, NULL, &out), STORE_ERR_CORRUPT);
    CHECK(out == 0);
    CHECK(file_size(garbage) == (long)(sizeof text - 1)); /* left alone */
    /* The failed open released its lock: a retry fails the same way, not BUSY. */
    ERR(store_open(garbage, NULL, &out), STORE_ERR_CORRUPT);
    free(garbage);

    /* Close: 0, never issued, closed, and a transaction handle. */
    ERR(store_close(0), STORE_ERR_BAD_HANDLE);
    ERR(store_close(NEVER_ISSUED), STORE_ERR_BAD_HANDLE);
    store_t tx = 0;
    OK(store_begin(b, 1, &tx));
    ERR(store_close(tx), STORE_ERR_BAD_HANDLE);
    OK(store_set(tx, B("via tx"), B("1"), 0)); /* still usable */
    /* A transaction is open: BUSY, and the store keeps working. */
    ERR(store_close(b), STORE_ERR_BUSY);
    OK(store_set(tx, B("after busy"), B("2"), 0));
    OK(store_commit(tx));
    EXPECT_VALUE(b, "via tx", "1");
    EXPECT_VALUE(b, "after busy", "2");
    OK(store_close(b));
    ERR(store_close(b), STORE_ERR_BAD_HANDLE);
    OK(store_close(a));
    ERR(store_close(a), STORE_ERR_BAD_HANDLE);
    /* Handles are never reused. */
    store_t c = 0;
    OK(store_open(":memory:", NULL, &c));
    CHECK(c != a && c != b && c != tx);
    OK(store_close(c));

    free(file);
    remove_tmpdir(dir);
}
