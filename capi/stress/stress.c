/* Concurrency, lifecycle, signal and leak stress for libstore.so.
 *
 *   stress [seconds]     (default 3: the length of the concurrency phase)
 *
 * 1. Concurrency: on one file-backed store, 4 readers (get, scan,
 *    intersects, nearby), 2 writers (set, set_many, delete), 1 thread of
 *    write transactions (commit and rollback) and 1 thread running
 *    store_shrink, each result checked.
 * 2. Lifecycle: store_close while other threads use the store, a
 *    transaction across a refused close, the same file opened twice, and
 *    signals (a host SIGUSR1 handler with SA_ONSTACK) raised at threads
 *    inside the library.
 * 3. Leaks: 200k iterations over every call that returns a buffer; the
 *    library's buffer counter and VmRSS before and after.
 *
 * A watchdog (SIGALRM, SA_ONSTACK) fails the run if anything hangs. Exit
 * status 0 on success; every failure prints what and why. */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store.h"

static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "stress: FAIL: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

static const char *msg(void) {
    static __thread char buf[512];
    store_last_error(buf, sizeof buf);
    return buf;
}

#define CHECK(call, ...)                                                                         \
    do {                                                                                         \
        store_status st_ = (call);                                                               \
        if (st_ != STORE_OK) die("%s:%d %s: %s: %s", __FILE__, __LINE__, #call,                  \
                                 store_status_name(st_), msg());                                 \
    } while (0)

#define S(text) (const uint8_t *)(text), strlen(text)

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- Watchdog ------------------------------------------------------------ */

static const char *volatile phase = "start";

static void on_alarm(int sig) {
    (void)sig;
    static const char text[] = "stress: FAIL: watchdog: no progress (deadlock or hang) in phase ";
    ssize_t r = write(2, text, sizeof text - 1);
    r = write(2, phase, strlen(phase));
    r = write(2, "\n", 1);
    (void)r;
    _exit(2);
}

static void install(int sig, void (*fn)(int)) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sa.sa_flags = SA_ONSTACK | SA_RESTART; /* as store.h asks of host handlers */
    sigemptyset(&sa.sa_mask);
    if (sigaction(sig, &sa, NULL) != 0) die("sigaction %d: %s", sig, strerror(errno));
}

static void watchdog(const char *name, unsigned seconds) {
    phase = name;
    alarm(seconds);
}

/* ---- Result buffers ------------------------------------------------------ */

typedef struct {
    const uint8_t *key, *val;
    uint32_t key_len, val_len;
    double dist;
} hit;

/* Decodes hit i of a result buffer, checking bounds; walks from *pos. */
static uint32_t hits_count(const store_bytes *b) {
    if (b->ptr == NULL || b->len < 4) die("result buffer %p of %zu bytes", (void *)b->ptr, b->len);
    uint32_t n;
    memcpy(&n, b->ptr, 4);
    return n;
}

static int next_hit(const store_bytes *b, size_t *pos, hit *h) {
    if (*pos + STORE_HIT_HEADER > b->len) die("hit header past the end (%zu of %zu)", *pos, b->len);
    memcpy(&h->key_len, b->ptr + *pos, 4);
    memcpy(&h->val_len, b->ptr + *pos + 4, 4);
    memcpy(&h->dist, b->ptr + *pos + 8, 8);
    *pos += STORE_HIT_HEADER;
    size_t vl = h->val_len == STORE_MISSING ? 0 : h->val_len;
    if (*pos + h->key_len + vl > b->len) die("hit body past the end");
    h->key = b->ptr + *pos;
    h->val = h->val_len == STORE_MISSING ? NULL : b->ptr + *pos + h->key_len;
    *pos += h->key_len + vl;
    return 1;
}

static void hits_end(const store_bytes *b, size_t pos) {
    if (pos != b->len) die("%zu bytes after the last hit", b->len - pos);
}

/* ---- Phase 1: concurrency ------------------------------------------------- */

#define NKEYS 400
#define NPTS 400

static store_t db;
static atomic_int stop_flag;
static atomic_ullong ops_done;
static double deadline;

static unsigned rnd(unsigned *s) {
    *s = *s * 1103515245u + 12345u;
    return (*s >> 8) & 0xffffff;
}

/* k:N holds "v:N:<anything>"; pt:N holds the point "[N%20 N/20]". */
static void check_kv(const uint8_t *k, size_t kl, const uint8_t *v, size_t vl) {
    char key[64], want[64];
    if (kl >= sizeof key) die("key of %zu bytes", kl);
    memcpy(key, k, kl);
    key[kl] = 0;
    int n;
    if (sscanf(key, "k:%d", &n) != 1) die("unexpected key %s", key);
    int wl = snprintf(want, sizeof want, "v:%d:", n);
    if (vl < (size_t)wl || memcmp(v, want, wl) != 0) die("key %s holds %.*s", key, (int)vl, (const char *)v);
}

static void check_point(const hit *h, const double *lo, const double *hi) {
    char key[64], val[64];
    if (h->key_len >= sizeof key || h->val_len >= sizeof val) die("odd point hit");
    memcpy(key, h->key, h->key_len);
    key[h->key_len] = 0;
    memcpy(val, h->val, h->val_len);
    val[h->val_len] = 0;
    int n;
    double x, y;
    if (sscanf(key, "pt:%d", &n) != 1 || sscanf(val, "[%lf %lf]", &x, &y) != 2)
        die("point hit %s=%s", key, val);
    if (x != n % 20 || y != n / 20) die("point %s is at [%g %g]", key, x, y);
    if (lo && (x < lo[0] || x > hi[0] || y < lo[1] || y > hi[1]))
        die("hit %s [%g %g] outside [%g %g]-[%g %g]", key, x, y, lo[0], lo[1], hi[0], hi[1]);
}

static int running(void) { return !atomic_load(&stop_flag) && now() < deadline; }

static void *reader(void *arg) {
    unsigned s = (unsigned)(uintptr_t)arg;
    unsigned long long n = 0;
    while (running()) {
        char key[32];
        store_bytes b = {0};
        switch (rnd(&s) % 4) {
        case 0: {
            int len = snprintf(key, sizeof key, "k:%u", rnd(&s) % NKEYS);
            store_status st = store_get(db, (const uint8_t *)key, len, &b);
            if (st == STORE_OK) check_kv((const uint8_t *)key, len, b.ptr, b.len);
            else if (st != STORE_NOT_FOUND) die("get: %s: %s", store_status_name(st), msg());
            else if (b.ptr) die("get: NOT_FOUND with a buffer");
            store_bytes_free(&b);
            if (store_get(db, S("tx:rolled"), &b) != STORE_NOT_FOUND) die("a rolled-back write is visible");
            break;
        }
        case 1: {
            CHECK(store_scan(db, "", S("k:"), S("k;"), rnd(&s) % 2 ? STORE_SCAN_DESC : 0, 50, &b));
            uint32_t c = hits_count(&b);
            if (c > 50) die("scan: %u hits over the limit", c);
            size_t pos = 4;
            hit h, prev = {0};
            for (uint32_t i = 0; i < c; i++) {
                next_hit(&b, &pos, &h);
                check_kv(h.key, h.key_len, h.val, h.val_len);
                if (i > 0) {
                    size_t m = h.key_len < prev.key_len ? h.key_len : prev.key_len;
                    int cmp = memcmp(prev.key, h.key, m);
                    if (cmp == 0) cmp = (int)prev.key_len - (int)h.key_len;
                    if (cmp == 0) die("scan: a key twice");
                }
                prev = h;
            }
            hits_end(&b, pos);
            break;
        }
        case 2: {
            double lo[2] = {rnd(&s) % 20, rnd(&s) % 20}, hi[2] = {lo[0] + rnd(&s) % 6, lo[1] + rnd(&s) % 6};
            CHECK(store_intersects(db, "pts", lo, hi, 2, 0, &b));
            uint32_t c = hits_count(&b);
            size_t pos = 4;
            hit h;
            for (uint32_t i = 0; i < c; i++) {
                next_hit(&b, &pos, &h);
                check_point(&h, lo, hi);
            }
            hits_end(&b, pos);
            /* Every point is always there (writers rewrite them in place). */
            uint32_t want = 0;
            for (int x = (int)lo[0]; x <= hi[0] && x < 20; x++)
                for (int y = (int)lo[1]; y <= hi[1] && y < 20; y++) want++;
            if (c != want) die("intersects: %u hits, want %u", c, want);
            break;
        }
        case 3: {
            double p[2] = {rnd(&s) % 20 + 0.5, rnd(&s) % 20 + 0.5};
            CHECK(store_nearby(db, "pts", p, 2, 5, -1, &b));
            uint32_t c = hits_count(&b);
            if (c != 5) die("nearby: %u hits, want 5", c);
            size_t pos = 4;
            hit h;
            double last = 0;
            for (uint32_t i = 0; i < c; i++) {
                next_hit(&b, &pos, &h);
                check_point(&h, NULL, NULL);
                if (h.dist < last) die("nearby: not nearest first");
                last = h.dist;
            }
            hits_end(&b, pos);
            if (last > 2.6) die("nearby: 5th nearest at %g", last); /* 2.55 from a corner of the grid */
            break;
        }
        }
        store_bytes_free(&b);
        n++;
    }
    atomic_fetch_add(&ops_done, n);
    return NULL;
}

static void *writer(void *arg) {
    unsigned s = (unsigned)(uintptr_t)arg;
    unsigned long long n = 0;
    while (running()) {
        char key[32], val[64];
        switch (rnd(&s) % 3) {
        case 0: {
            unsigned k = rnd(&s) % NKEYS;
            int kl = snprintf(key, sizeof key, "k:%u", k);
            int vl = snprintf(val, sizeof val, "v:%u:%u", k, s);
            CHECK(store_set(db, (const uint8_t *)key, kl, (const uint8_t *)val, vl, rnd(&s) % 8 == 0 ? 60000 : 0));
            break;
        }
        case 1: {
            char keys[10][32], vals[10][64];
            store_kv items[10];
            for (int i = 0; i < 10; i++) {
                unsigned k = rnd(&s) % (i % 2 ? NPTS : NKEYS);
                int kl, vl;
                if (i % 2) {
                    kl = snprintf(keys[i], 32, "pt:%u", k);
                    vl = snprintf(vals[i], 64, "[%u %u]", k % 20, k / 20);
                } else {
                    kl = snprintf(keys[i], 32, "k:%u", k);
                    vl = snprintf(vals[i], 64, "v:%u:many", k);
                }
                items[i] = (store_kv){(const uint8_t *)keys[i], kl, (const uint8_t *)vals[i], vl, 0};
            }
            CHECK(store_set_many(db, items, 10));
            break;
        }
        case 2: {
            int kl = snprintf(key, sizeof key, "k:%u", rnd(&s) % NKEYS);
            store_status st = store_delete(db, (const uint8_t *)key, kl);
            if (st != STORE_OK && st != STORE_NOT_FOUND) die("delete: %s: %s", store_status_name(st), msg());
            break;
        }
        }
        n++;
    }
    atomic_fetch_add(&ops_done, n);
    return NULL;
}

static void *txer(void *arg) {
    (void)arg;
    unsigned long long n = 0, commits = 0;
    while (running()) {
        store_t tx;
        CHECK(store_begin(db, 1, &tx));
        char val[32];
        int vl = snprintf(val, sizeof val, "%llu", commits + 1);
        CHECK(store_set(tx, S("tx:n"), (const uint8_t *)val, vl, 0));
        store_bytes b = {0};
        CHECK(store_get(tx, S("tx:n"), &b));
        if (b.len != (size_t)vl || memcmp(b.ptr, val, vl) != 0) die("a transaction does not see its own write");
        store_bytes_free(&b);
        /* A database-level call on this thread would wait for itself. */
        if (store_get(db, S("tx:n"), &b) != STORE_ERR_WOULD_DEADLOCK) die("no WOULD_DEADLOCK");
        if (n % 2) {
            CHECK(store_set(tx, S("tx:rolled"), S("x"), 0));
            CHECK(store_rollback(tx));
        } else {
            CHECK(store_commit(tx));
            commits++;
        }
        if (store_commit(tx) != STORE_ERR_BAD_HANDLE) die("a finished transaction is still a handle");
        n += 6;
    }
    store_bytes b = {0};
    CHECK(store_get(db, S("tx:n"), &b));
    if (commits && strtoull((const char *)b.ptr, NULL, 10) != commits) die("tx:n is not the commit count");
    store_bytes_free(&b);
    atomic_fetch_add(&ops_done, n);
    return NULL;
}

static atomic_ullong shrinks, shrink_busy;

static void *shrinker(void *arg) {
    (void)arg;
    unsigned long long n = 0;
    while (running()) {
        store_status st = store_shrink(db);
        if (st == STORE_OK) atomic_fetch_add(&shrinks, 1);
        else if (st == STORE_ERR_BUSY) atomic_fetch_add(&shrink_busy, 1);
        else die("shrink: %s: %s", store_status_name(st), msg());
        n++;
        usleep(2000);
    }
    atomic_fetch_add(&ops_done, n);
    return NULL;
}

static void phase_concurrency(const char *dir, double seconds) {
    watchdog("concurrency", (unsigned)seconds + 60);
    char path[512];
    snprintf(path, sizeof path, "%s/stress.db", dir);
    store_options o;
    store_options_default(&o);
    o.auto_shrink_disabled = 1;
    CHECK(store_open(path, &o, &db));
    CHECK(store_create_spatial_index(db, "pts", "pt:*", NULL));
    for (int i = 0; i < NPTS; i++) {
        char k[32], v[32];
        int kl = snprintf(k, sizeof k, "pt:%d", i), vl = snprintf(v, sizeof v, "[%d %d]", i % 20, i / 20);
        CHECK(store_set(db, (const uint8_t *)k, kl, (const uint8_t *)v, vl, 0));
    }
    uint64_t start = store_outstanding_buffers();
    deadline = now() + seconds;
    pthread_t th[8];
    for (int i = 0; i < 4; i++) pthread_create(&th[i], NULL, reader, (void *)(uintptr_t)(i + 1));
    for (int i = 0; i < 2; i++) pthread_create(&th[4 + i], NULL, writer, (void *)(uintptr_t)(i + 11));
    pthread_create(&th[6], NULL, txer, NULL);
    pthread_create(&th[7], NULL, shrinker, NULL);
    for (int i = 0; i < 8; i++) pthread_join(th[i], NULL);
    /* Counts agree: store_len and a full scan of the keys. */
    uint64_t n;
    CHECK(store_len(db, &n));
    store_bytes b = {0};
    CHECK(store_scan(db, "", NULL, 0, NULL, 0, 0, 0, &b));
    if (hits_count(&b) != n) die("store_len %llu, a full scan %u", (unsigned long long)n, hits_count(&b));
    store_bytes_free(&b);
    if (store_outstanding_buffers() != start) die("%llu buffers outstanding", (unsigned long long)store_outstanding_buffers());
    CHECK(store_close(db));
    /* The file reopens with what was written. */
    CHECK(store_open(path, &o, &db));
    uint64_t n2;
    CHECK(store_len(db, &n2));
    if (n2 > n) die("reopened with %llu items, had %llu", (unsigned long long)n2, (unsigned long long)n);
    CHECK(store_close(db));
    printf("stress: concurrency: 8 threads (4 readers, 2 writers, 1 transactions, 1 shrink) on a file store, "
           "%.1f s, %llu operations, %llu shrinks (%llu busy), %llu items, buffers outstanding %llu\n",
           seconds, (unsigned long long)atomic_load(&ops_done), (unsigned long long)atomic_load(&shrinks),
           (unsigned long long)atomic_load(&shrink_busy), (unsigned long long)n,
           (unsigned long long)(store_outstanding_buffers() - start));
}

/* ---- Phase 2: lifecycle ------------------------------------------------------ */

static store_t life_db;
static atomic_int life_seen_closed;

static void *user(void *arg) {
    unsigned s = (unsigned)(uintptr_t)arg;
    for (;;) {
        store_bytes b = {0};
        store_status st;
        switch (rnd(&s) % 3) {
        case 0: st = store_set(life_db, S("a"), S("1"), 0); break;
        case 1: st = store_get(life_db, S("a"), &b); break;
        default: st = store_scan(life_db, "", NULL, 0, NULL, 0, 0, 10, &b); break;
        }
        store_bytes_free(&b);
        if (st == STORE_ERR_BAD_HANDLE || st == STORE_ERR_CLOSED) {
            atomic_fetch_add(&life_seen_closed, 1);
            return NULL;
        }
        if (st != STORE_OK && st != STORE_NOT_FOUND) die("use during close: %s: %s", store_status_name(st), msg());
    }
}

static atomic_ullong usr1_count;
static void on_usr1(int sig) {
    (void)sig;
    atomic_fetch_add(&usr1_count, 1);
}

static void *signalled(void *arg) {
    (void)arg;
    while (!atomic_load(&stop_flag)) {
        store_bytes b = {0};
        CHECK(store_set(life_db, S("s"), S("[1 2]"), 0));
        CHECK(store_get(life_db, S("s"), &b));
        store_bytes_free(&b);
        double lo[2] = {0, 0}, hi[2] = {5, 5};
        CHECK(store_intersects(life_db, "sp", lo, hi, 2, 0, &b));
        store_bytes_free(&b);
    }
    return NULL;
}

static void phase_lifecycle(const char *dir) {
    watchdog("lifecycle", 60);
    /* a) close while other threads use the store */
    CHECK(store_open(":memory:", NULL, &life_db));
    pthread_t th[4];
    for (int i = 0; i < 4; i++) pthread_create(&th[i], NULL, user, (void *)(uintptr_t)(i + 100));
    usleep(50000);
    CHECK(store_close(life_db));
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    if (atomic_load(&life_seen_closed) != 4) die("not every user saw the close");

    /* b) a transaction across a refused close */
    store_t tx;
    CHECK(store_open(":memory:", NULL, &life_db));
    CHECK(store_begin(life_db, 1, &tx));
    store_status st = store_close(life_db);
    if (st != STORE_ERR_BUSY) die("close with a transaction open: %s", store_status_name(st));
    CHECK(store_set(tx, S("t"), S("1"), 0));
    CHECK(store_commit(tx));
    CHECK(store_close(life_db));
    if ((st = store_set(tx, S("t"), S("2"), 0)) != STORE_ERR_BAD_HANDLE) die("tx after close: %s", store_status_name(st));
    if ((st = store_commit(tx)) != STORE_ERR_BAD_HANDLE) die("commit after close: %s", store_status_name(st));
    if ((st = store_close(life_db)) != STORE_ERR_BAD_HANDLE) die("close twice: %s", store_status_name(st));
    if ((st = store_begin(life_db, 0, &tx)) != STORE_ERR_BAD_HANDLE || tx != 0) die("begin on a closed store: %s", store_status_name(st));

    /* c) the same file twice */
    char path[512];
    snprintf(path, sizeof path, "%s/twice.db", dir);
    store_t a, b2;
    CHECK(store_open(path, NULL, &a));
    if ((st = store_open(path, NULL, &b2)) != STORE_ERR_BUSY || b2 != 0) die("second open: %s", store_status_name(st));
    CHECK(store_close(a));
    CHECK(store_open(path, NULL, &b2));
    CHECK(store_close(b2));

    /* d) signals at threads inside the library */
    install(SIGUSR1, on_usr1);
    CHECK(store_open(":memory:", NULL, &life_db));
    CHECK(store_create_spatial_index(life_db, "sp", "*", NULL));
    atomic_store(&stop_flag, 0);
    for (int i = 0; i < 4; i++) pthread_create(&th[i], NULL, signalled, NULL);
    int sent = 0;
    for (int round = 0; round < 500; round++) {
        for (int i = 0; i < 4; i++, sent++) pthread_kill(th[i], SIGUSR1);
        kill(getpid(), SIGUSR1);
        sent++;
        usleep(200);
    }
    atomic_store(&stop_flag, 1);
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    CHECK(store_close(life_db));
    printf("stress: lifecycle: close under 4 users (all saw BAD_HANDLE/CLOSED), BUSY close with a tx then "
           "BAD_HANDLE after, same file twice BUSY, %d SIGUSR1 sent (%llu handled) into 4 busy threads\n",
           sent, (unsigned long long)atomic_load(&usr1_count));
}

/* ---- Phase 3: leaks ------------------------------------------------------------ */

static long rss_kib(void) {
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    long v = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld kB", &v) == 1) break;
    fclose(f);
    return v;
}

static void leak_round(store_t h) {
    store_bytes b = {0};
    CHECK(store_get(h, S("k:7"), &b));
    store_bytes_free(&b);
    store_kv keys[3] = {{S("k:1"), NULL, 0, 0}, {S("nope"), NULL, 0, 0}, {S("k:2"), NULL, 0, 0}};
    CHECK(store_get_many(h, keys, 3, &b));
    store_bytes_free(&b);
    CHECK(store_scan(h, "", S("k:"), S("k;"), 0, 10, &b));
    store_bytes_free(&b);
    double lo[2] = {2, 2}, hi[2] = {4, 4}, p[2] = {3, 3};
    CHECK(store_intersects(h, "pts", lo, hi, 2, 0, &b));
    store_bytes_free(&b);
    CHECK(store_within(h, "pts", lo, hi, 2, 0, &b));
    store_bytes_free(&b);
    CHECK(store_nearby(h, "pts", p, 2, 4, -1, &b));
    store_bytes_free(&b);
    /* batches: two boxes (the second with no hits), two points; pairs */
    double mins[4] = {2, 2, 50, 50}, maxs[4] = {4, 4, 60, 60}, pts[4] = {3, 3, 7, 7};
    CHECK(store_intersects_many(h, "pts", mins, maxs, 2, 2, 0, &b));
    store_bytes_free(&b);
    CHECK(store_within_many(h, "pts", mins, maxs, 2, 2, 0, &b));
    store_bytes_free(&b);
    CHECK(store_nearby_many(h, "pts", pts, 2, 2, 3, -1, &b));
    store_bytes_free(&b);
    CHECK(store_pairs(h, "few", 1.5, NULL, &b));
    store_bytes_free(&b);
    /* fences: f:a leaves the fence "corner" and comes back; one poll takes both events */
    CHECK(store_set(h, S("f:a"), S("[5 5]"), 0));
    CHECK(store_set(h, S("f:a"), S("[0 0]"), 0));
    CHECK(store_poll_events(h, 0, &b));
    if (b.len != 12 + 2 * (17 + 6 + 3)) die("poll_events: not the two events of f:a");
    store_bytes_free(&b);
    /* a failing call too: its message is stored per thread */
    if (store_get(h, NULL, 3, &b) != STORE_ERR_INVALID_ARG) die("NULL key accepted");
}

static void phase_leaks(long iterations, long rss_bound_kib) {
    watchdog("leaks", 300);
    store_t h;
    CHECK(store_open(":memory:", NULL, &h));
    CHECK(store_create_spatial_index(h, "pts", "pt:*", NULL));
    CHECK(store_create_spatial_index(h, "few", "f:*", NULL));
    CHECK(store_set(h, S("f:a"), S("[0 0]"), 0));
    CHECK(store_set(h, S("f:b"), S("[1 0]"), 0));
    CHECK(store_set(h, S("f:c"), S("[1 1]"), 0));
    double corner_lo[2] = {-1, -1}, corner_hi[2] = {0.5, 0.5};
    CHECK(store_create_fence_box(h, "corner", "few", NULL, corner_lo, corner_hi, 2));
    for (int i = 0; i < 100; i++) {
        char k[32], v[32];
        int kl = snprintf(k, sizeof k, "k:%d", i), vl = snprintf(v, sizeof v, "v:%d:x", i);
        CHECK(store_set(h, (const uint8_t *)k, kl, (const uint8_t *)v, vl, 0));
        kl = snprintf(k, sizeof k, "pt:%d", i), vl = snprintf(v, sizeof v, "[%d %d]", i % 10, i / 10);
        CHECK(store_set(h, (const uint8_t *)k, kl, (const uint8_t *)v, vl, 0));
    }
    for (int i = 0; i < 20000; i++) leak_round(h); /* warm up: heap, pools, GC pacing */
    uint64_t start = store_outstanding_buffers();
    long before = rss_kib();
    double t0 = now();
    for (long i = 0; i < iterations; i++) leak_round(h);
    double dt = now() - t0;
    long after = rss_kib();
    uint64_t end = store_outstanding_buffers();
    CHECK(store_close(h));
    printf("stress: leaks: %ld iterations x 11 buffer calls (+1 failing) in %.1f s: outstanding buffers %llu -> %llu, "
           "VmRSS %ld -> %ld KiB (%+ld KiB, bound %ld KiB)\n",
           iterations, dt, (unsigned long long)start, (unsigned long long)end, before, after, after - before,
           rss_bound_kib);
    if (end != start) die("buffers outstanding: %llu -> %llu", (unsigned long long)start, (unsigned long long)end);
    if (after - before > rss_bound_kib) die("VmRSS grew by %ld KiB", after - before);
}

int main(int argc, char **argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 3;
    long iterations = argc > 2 ? atol(argv[2]) : 200000;
    if (store_abi_version() != STORE_ABI_VERSION) die("ABI %u, header %u", store_abi_version(), STORE_ABI_VERSION);
    install(SIGALRM, on_alarm);
    char dir[] = "/tmp/store-stress-XXXXXX";
    if (!mkdtemp(dir)) die("mkdtemp: %s", strerror(errno));
    phase_concurrency(dir, seconds);
    phase_lifecycle(dir);
    /* The bound: a leak of one smallest result buffer (4 bytes, a 32-byte
     * malloc chunk) per call would be 10 x 32 x 200k = 61 MiB; the Go heap
     * and malloc arenas settle during the warm-up and move by a few MiB. */
    phase_leaks(iterations, 8 * 1024);
    alarm(0);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "stress: could not remove %s\n", dir);
    printf("stress: PASS\n");
    return 0;
}
