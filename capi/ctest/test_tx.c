/* store_begin, store_commit, store_rollback; deadlock detection and
 * waiting across threads. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"

void test_tx(void) {
    store_t db = open_memory();
    OK(store_set(db, B("k"), B("v0"), 0));

    /* A write transaction sees its own writes before commit. */
    store_t tx = 0;
    OK(store_begin(db, 1, &tx));
    CHECK(tx != 0 && tx != db);
    OK(store_set(tx, B("k"), B("v1"), 0));
    OK(store_set(tx, B("t"), B("new"), 5000));
    EXPECT_VALUE(tx, "k", "v1");
    EXPECT_VALUE(tx, "t", "new");
    int64_t ttl = 0;
    OK(store_ttl(tx, B("t"), &ttl));
    CHECK(ttl > 4000 && ttl <= 5000);
    CHECK(len_of(tx) == 2);
    OK(store_delete(tx, B("t")));
    EXPECT_ABSENT(tx, "t");
    OK(store_set(tx, B("t"), B("again"), 0));
    OK(store_commit(tx));
    EXPECT_VALUE(db, "k", "v1");
    EXPECT_VALUE(db, "t", "again");

    /* A finished transaction is a stale handle. */
    ERR(store_commit(tx), STORE_ERR_BAD_HANDLE);
    ERR(store_rollback(tx), STORE_ERR_BAD_HANDLE);
    ERR(store_set(tx, B("k"), B("late"), 0), STORE_ERR_BAD_HANDLE);
    EXPECT_VALUE(db, "k", "v1");

    /* Rollback undoes writes and deletes. */
    OK(store_begin(db, 1, &tx));
    OK(store_set(tx, B("k"), B("v2"), 0));
    OK(store_set(tx, B("r"), B("rolled"), 0));
    OK(store_delete(tx, B("t")));
    store_kv items[] = {{(const uint8_t *)"m1", 2, (const uint8_t *)"1", 1, 0}};
    OK(store_set_many(tx, items, 1));
    EXPECT_VALUE(tx, "m1", "1");
    OK(store_rollback(tx));
    EXPECT_VALUE(db, "k", "v1");
    EXPECT_VALUE(db, "t", "again");
    EXPECT_ABSENT(db, "r");
    EXPECT_ABSENT(db, "m1");
    ERR(store_rollback(tx), STORE_ERR_BAD_HANDLE);
    ERR(store_commit(tx), STORE_ERR_BAD_HANDLE);
    store_bytes b = junk_bytes();
    ERR(store_get(tx, B("k"), &b), STORE_ERR_BAD_HANDLE);
    CHECK_ZEROED(b);

    /* Read-only: reads work, writes are refused and change nothing. */
    uint64_t n = len_of(db);
    OK(store_begin(db, 0, &tx));
    EXPECT_VALUE(tx, "k", "v1");
    ERR(store_set(tx, B("k"), B("ro"), 0), STORE_ERR_TX_READ_ONLY);
    ERR(store_set(tx, B("ro"), B("ro"), 0), STORE_ERR_TX_READ_ONLY);
    ERR(store_delete(tx, B("k")), STORE_ERR_TX_READ_ONLY);
    ERR(store_set_many(tx, items, 1), STORE_ERR_TX_READ_ONLY);
    EXPECT_VALUE(tx, "k", "v1");
    EXPECT_ABSENT(tx, "ro");
    CHECK(len_of(tx) == n);
    /* A second transaction on this thread, even a read one: WOULD_DEADLOCK. */
    store_t tx2 = 77;
    ERR(store_begin(db, 0, &tx2), STORE_ERR_WOULD_DEADLOCK);
    CHECK(tx2 == 0);
    OK(store_commit(tx)); /* commit of read-only just releases */
    ERR(store_commit(tx), STORE_ERR_BAD_HANDLE);
    EXPECT_VALUE(db, "k", "v1");
    CHECK(len_of(db) == n);

    /* Begin errors. */
    store_t out = 77;
    ERR(store_begin(db, 1, NULL), STORE_ERR_INVALID_ARG);
    store_t closed = open_memory();
    OK(store_close(closed));
    const store_t bad[] = {0, NEVER_ISSUED, closed};
    for (int i = 0; i < 3; i++) {
        out = 77;
        ERR(store_begin(bad[i], 1, &out), STORE_ERR_BAD_HANDLE);
        CHECK(out == 0);
        ERR(store_commit(bad[i]), STORE_ERR_BAD_HANDLE);
        ERR(store_rollback(bad[i]), STORE_ERR_BAD_HANDLE);
    }
    /* Commit/rollback of a database handle: not a transaction. */
    ERR(store_commit(db), STORE_ERR_BAD_HANDLE);
    ERR(store_rollback(db), STORE_ERR_BAD_HANDLE);
    EXPECT_VALUE(db, "k", "v1");
    /* No nesting: a transaction handle where a database is required. */
    OK(store_begin(db, 1, &tx));
    out = 77;
    ERR(store_begin(tx, 1, &out), STORE_ERR_BAD_HANDLE);
    CHECK(out == 0);
    /* Index calls join the transaction (test_query.c has the rest). */
    OK(store_create_index(tx, "ix", "*", STORE_INDEX_STRING, NULL));
    ERR(store_create_spatial_index(tx, "sx", "*", NULL), STORE_ERR_INVALID_ARG); /* "v1" is no geometry */
    OK(store_drop_index(tx, "ix"));
    ERR(store_shrink(tx), STORE_ERR_BAD_HANDLE);
    ERR(store_save(tx, "/nonexistent/never-written"), STORE_ERR_BAD_HANDLE);
    ERR(store_load(tx, "/nonexistent/never-read"), STORE_ERR_BAD_HANDLE);
    ERR(store_close(tx), STORE_ERR_BAD_HANDLE);
    OK(store_set(tx, B("still"), B("works"), 0));
    OK(store_commit(tx));
    EXPECT_VALUE(db, "still", "works");

    /* WOULD_DEADLOCK: every database-level call on the thread holding a
     * write transaction, each changing nothing. */
    OK(store_create_index(db, "existing", "*", STORE_INDEX_STRING, NULL));
    OK(store_begin(db, 1, &tx));
    OK(store_set(tx, B("in tx"), B("1"), 0));
    n = len_of(tx);
    ERR(store_set(db, B("dl"), B("x"), 0), STORE_ERR_WOULD_DEADLOCK);
    b = junk_bytes();
    ERR(store_get(db, B("k"), &b), STORE_ERR_WOULD_DEADLOCK);
    CHECK_ZEROED(b);
    ERR(store_delete(db, B("k")), STORE_ERR_WOULD_DEADLOCK);
    ttl = 77;
    ERR(store_ttl(db, B("k"), &ttl), STORE_ERR_WOULD_DEADLOCK);
    CHECK(ttl == 0);
    ERR(store_set_many(db, items, 1), STORE_ERR_WOULD_DEADLOCK);
    b = junk_bytes();
    ERR(store_get_many(db, items, 1, &b), STORE_ERR_WOULD_DEADLOCK);
    CHECK_ZEROED(b);
    uint64_t m = 77;
    ERR(store_len(db, &m), STORE_ERR_WOULD_DEADLOCK);
    CHECK(m == 0);
    out = 77;
    ERR(store_begin(db, 0, &out), STORE_ERR_WOULD_DEADLOCK);
    CHECK(out == 0);
    ERR(store_begin(db, 1, &out), STORE_ERR_WOULD_DEADLOCK);
    ERR(store_create_index(db, "dl", "*", STORE_INDEX_STRING, NULL), STORE_ERR_WOULD_DEADLOCK);
    ERR(store_create_spatial_index(db, "dls", "sp:*", NULL), STORE_ERR_WOULD_DEADLOCK);
    ERR(store_drop_index(db, "existing"), STORE_ERR_WOULD_DEADLOCK);
    b = junk_bytes();
    ERR(store_scan(db, "", NULL, 0, NULL, 0, 0, 0, &b), STORE_ERR_WOULD_DEADLOCK);
    CHECK_ZEROED(b);
    const double lo[2] = {0, 0}, hi[2] = {1, 1};
    b = junk_bytes();
    ERR(store_intersects(db, "dls", lo, hi, 2, 0, &b), STORE_ERR_WOULD_DEADLOCK);
    CHECK_ZEROED(b);
    b = junk_bytes();
    ERR(store_within(db, "dls", lo, hi, 2, 0, &b), STORE_ERR_WOULD_DEADLOCK);
    CHECK_ZEROED(b);
    b = junk_bytes();
    ERR(store_nearby(db, "dls", lo, 2, 1, -1, &b), STORE_ERR_WOULD_DEADLOCK);
    CHECK_ZEROED(b);
    ERR(store_shrink(db), STORE_ERR_WOULD_DEADLOCK);
    char *dir = make_tmpdir();
    char *snap = path_join(dir, "snap");
    ERR(store_save(db, snap), STORE_ERR_WOULD_DEADLOCK);
    CHECK(!file_exists(snap));
    ERR(store_load(db, snap), STORE_ERR_WOULD_DEADLOCK);
    /* The close of a database with an open transaction is BUSY, not a hang. */
    ERR(store_close(db), STORE_ERR_BUSY);
    /* The transaction is untouched by all that. */
    CHECK(len_of(tx) == n);
    EXPECT_VALUE(tx, "in tx", "1");
    EXPECT_ABSENT(tx, "dl");
    EXPECT_VALUE(tx, "k", "v1");
    OK(store_commit(tx));
    EXPECT_ABSENT(db, "dl");
    EXPECT_VALUE(db, "k", "v1");
    EXPECT_VALUE(db, "in tx", "1");
    b = junk_bytes();
    ERR(store_scan(db, "dl", NULL, 0, NULL, 0, 0, 0, &b), STORE_ERR_NO_INDEX);
    CHECK_ZEROED(b);
    OK(store_scan(db, "existing", NULL, 0, NULL, 0, 0, 0, &b)); /* not dropped */
    store_bytes_free(&b);
    b = junk_bytes();
    ERR(store_intersects(db, "dls", lo, hi, 2, 0, &b), STORE_ERR_NO_INDEX);

    /* The same with a read transaction open on this thread. */
    OK(store_begin(db, 0, &tx));
    ERR(store_get(db, B("k"), &b), STORE_ERR_WOULD_DEADLOCK);
    ERR(store_set(db, B("dl"), B("x"), 0), STORE_ERR_WOULD_DEADLOCK);
    ERR(store_begin(db, 1, &out), STORE_ERR_WOULD_DEADLOCK);
    ERR(store_close(db), STORE_ERR_BUSY);
    OK(store_rollback(tx));
    EXPECT_ABSENT(db, "dl");
    /* After the transaction ends the thread may use the database again. */
    OK(store_set(db, B("after"), B("ok"), 0));
    EXPECT_VALUE(db, "after", "ok");

    /* A transaction on another database does not block this one. */
    store_t other = open_memory();
    OK(store_begin(other, 1, &tx));
    OK(store_set(db, B("cross"), B("ok"), 0));
    EXPECT_VALUE(db, "cross", "ok");
    OK(store_rollback(tx));
    OK(store_close(other));

    free(snap);
    remove_tmpdir(dir);
    OK(store_close(db));
}

/* ---- Threads --------------------------------------------------------------------- */

enum { OP_SET, OP_GET, OP_BEGIN_WRITE, OP_CREATE_INDEX, OP_CLOSE, OP_TX_SET };

typedef struct job {
    store_t h;
    int op;
    store_status st;
    char value[32];
    atomic_int done;
    pthread_t thread;
} job;

static void *run_job(void *arg) {
    job *j = arg;
    store_bytes b = {NULL, 0};
    store_t tx = 0;
    switch (j->op) {
    case OP_SET:
        j->st = store_set(j->h, B("from other"), B("thread"), 0);
        break;
    case OP_GET:
        j->st = store_get(j->h, B("k"), &b);
        if (j->st == STORE_OK && b.len < sizeof j->value) {
            memcpy(j->value, b.ptr, b.len);
        }
        store_bytes_free(&b);
        break;
    case OP_BEGIN_WRITE:
        j->st = store_begin(j->h, 1, &tx);
        if (j->st == STORE_OK) {
            store_status s2 = store_set(tx, B("other tx"), B("1"), 0);
            j->st = s2 != STORE_OK ? s2 : store_commit(tx);
        }
        break;
    case OP_CREATE_INDEX:
        j->st = store_create_index(j->h, "waited", "*", STORE_INDEX_BINARY, NULL);
        break;
    case OP_CLOSE:
        j->st = store_close(j->h);
        break;
    case OP_TX_SET:
        j->st = store_set(j->h, B("tx from other thread"), B("1"), 0);
        break;
    }
    atomic_store(&j->done, 1);
    return NULL;
}

static void start(job *j, store_t h, int op) {
    memset(j->value, 0, sizeof j->value);
    j->h = h;
    j->op = op;
    j->st = 99;
    atomic_store(&j->done, 0);
    if (pthread_create(&j->thread, NULL, run_job, j) != 0) {
        fprintf(stderr, "pthread_create failed\n");
        exit(1);
    }
}

/* Waits at most ms for the job; a job that never ends fails the run (it
 * cannot be joined, so the process exits rather than hang). */
static int finish(job *j, long ms, const char *file, int line) {
    double end = now_ms() + (double)ms;
    while (!atomic_load(&j->done) && now_ms() < end) {
        sleep_ms(2);
    }
    if (!atomic_load(&j->done)) {
        t_result(0, file, line, "the other thread finished in time", NULL);
        printf("%ld passed, %ld failed\n", t_passed(), t_failed());
        exit(1);
    }
    pthread_join(j->thread, NULL);
    return 1;
}
#define FINISH(j) finish((j), 10000, __FILE__, __LINE__)

void test_threads(void) {
    store_t db = open_memory();
    OK(store_set(db, B("k"), B("v0"), 0));
    store_t tx = 0;
    job j[4];

    /* Another thread's set, get, begin and create_index wait for this
     * thread's write transaction, then succeed. */
    const int ops[] = {OP_SET, OP_GET, OP_BEGIN_WRITE, OP_CREATE_INDEX};
    for (int i = 0; i < 4; i++) {
        OK(store_begin(db, 1, &tx));
        OK(store_set(tx, B("k"), B("v1"), 0));
        start(&j[i], db, ops[i]);
        sleep_ms(150);
        CHECK_MSG(!atomic_load(&j[i].done), "the other thread waits for the write transaction");
        /* Meanwhile this thread still works through its transaction. */
        EXPECT_VALUE(tx, "k", "v1");
        OK(store_commit(tx));
        FINISH(&j[i]);
        ST(j[i].st, STORE_OK);
    }
    CHECK(strcmp(j[1].value, "v1") == 0); /* the reader saw the commit */
    EXPECT_VALUE(db, "from other", "thread");
    EXPECT_VALUE(db, "other tx", "1");
    store_bytes b = {NULL, 0};
    OK(store_scan(db, "waited", NULL, 0, NULL, 0, 0, 0, &b));
    store_bytes_free(&b);

    /* A rollback also releases waiters, and their write lands alone. */
    OK(store_delete(db, B("from other")));
    OK(store_begin(db, 1, &tx));
    OK(store_set(tx, B("rolled"), B("x"), 0));
    start(&j[0], db, OP_SET);
    sleep_ms(100);
    CHECK(!atomic_load(&j[0].done));
    OK(store_rollback(tx));
    FINISH(&j[0]);
    ST(j[0].st, STORE_OK);
    EXPECT_ABSENT(db, "rolled");
    EXPECT_VALUE(db, "from other", "thread");

    /* Readers share: another thread reads while this one holds a read tx. */
    OK(store_begin(db, 0, &tx));
    start(&j[0], db, OP_GET);
    FINISH(&j[0]);
    ST(j[0].st, STORE_OK);
    /* A writer on another thread waits for this read transaction. */
    start(&j[1], db, OP_SET);
    sleep_ms(100);
    CHECK(!atomic_load(&j[1].done));
    OK(store_commit(tx));
    FINISH(&j[1]);
    ST(j[1].st, STORE_OK);

    /* A transaction handle may be used from another thread. */
    OK(store_begin(db, 1, &tx));
    start(&j[0], tx, OP_TX_SET);
    FINISH(&j[0]);
    ST(j[0].st, STORE_OK);
    EXPECT_VALUE(tx, "tx from other thread", "1");
    /* Closing from another thread while the transaction is open: BUSY. */
    start(&j[1], db, OP_CLOSE);
    FINISH(&j[1]);
    ST(j[1].st, STORE_ERR_BUSY);
    OK(store_commit(tx));
    EXPECT_VALUE(db, "tx from other thread", "1");

    /* Many threads writing and reading at once. */
    enum { WORKERS = 8 };
    job w[WORKERS];
    for (int i = 0; i < WORKERS; i++) {
        start(&w[i], db, i % 2 ? OP_SET : OP_GET);
    }
    for (int i = 0; i < WORKERS; i++) {
        FINISH(&w[i]);
        ST(w[i].st, STORE_OK);
    }
    OK(store_close(db));
}
