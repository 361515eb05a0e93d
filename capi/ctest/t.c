/* The assertion framework, shared helpers and the test runner. */
#define _POSIX_C_SOURCE 200809L

#include "t.h"

#include <dirent.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static atomic_long passed;
static atomic_long failed;

long t_passed(void) { return atomic_load(&passed); }
long t_failed(void) { return atomic_load(&failed); }

static void last_error_text(char *buf, size_t cap) {
    size_t n = store_last_error(buf, cap);
    if (n == 0) {
        snprintf(buf, cap, "(none)");
    }
}

void t_result(int ok, const char *file, int line, const char *what, const char *detail) {
    if (ok) {
        atomic_fetch_add(&passed, 1);
        return;
    }
    atomic_fetch_add(&failed, 1);
    fprintf(stderr, "%s:%d: FAIL: %s%s%s\n", file, line, what, detail ? ": " : "", detail ? detail : "");
}

void t_statusf(store_status got, store_status want, const char *file, int line, const char *call) {
    if (got == want) {
        atomic_fetch_add(&passed, 1);
        return;
    }
    char msg[512];
    last_error_text(msg, sizeof msg);
    atomic_fetch_add(&failed, 1);
    fprintf(stderr, "%s:%d: FAIL: %s\n    got %s (%d), want %s (%d)\n    last error: %s\n", file, line, call,
            store_status_name(got), (int)got, store_status_name(want), (int)want, msg);
}

void t_errorf(store_status got, store_status want, const char *file, int line, const char *call) {
    t_statusf(got, want, file, line, call);
    if (got != want) {
        return;
    }
    char msg[512];
    size_t n = store_last_error(msg, sizeof msg);
    if (n > 0 && msg[0] != '\0') {
        atomic_fetch_add(&passed, 1);
        return;
    }
    atomic_fetch_add(&failed, 1);
    fprintf(stderr, "%s:%d: FAIL: %s\n    returned %s but store_last_error is empty\n", file, line, call,
            store_status_name(got));
}

/* ---- Result buffers ------------------------------------------------------ */

static uint32_t get_u32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static double get_f64(const uint8_t *p) {
    uint64_t bits = 0;
    for (int i = 7; i >= 0; i--) {
        bits = bits << 8 | p[i];
    }
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

long decode_part(const uint8_t *p, size_t len, size_t *used, hit *hits, size_t max) {
    if (p == NULL || len < 4) {
        return -1;
    }
    uint32_t count;
    uint8_t tmp[4];
    memcpy(tmp, p, 4); /* the format's own words: read with memcpy */
    count = get_u32(tmp);
    if (count > max) {
        return -1;
    }
    size_t off = 4;
    for (uint32_t i = 0; i < count; i++) {
        if (len - off < STORE_HIT_HEADER) {
            return -1;
        }
        uint8_t head[STORE_HIT_HEADER];
        memcpy(head, p + off, sizeof head);
        hit h;
        h.key_len = get_u32(head);
        h.val_len = get_u32(head + 4);
        h.dist = get_f64(head + 8);
        off += STORE_HIT_HEADER;
        size_t vlen = h.val_len == STORE_MISSING ? 0 : h.val_len;
        if (len - off < h.key_len || len - off - h.key_len < vlen) {
            return -1;
        }
        h.key = p + off;
        off += h.key_len;
        h.val = h.val_len == STORE_MISSING ? NULL : p + off;
        off += vlen;
        hits[i] = h;
    }
    *used = off;
    return (long)count;
}

long decode(const store_bytes *b, hit *hits, size_t max) {
    size_t used = 0;
    long n = decode_part(b->ptr, b->len, &used, hits, max);
    return n >= 0 && used == b->len ? n : -1;
}

long find_hit(const hit *hits, long n, const char *key) {
    size_t kl = strlen(key);
    for (long i = 0; i < n; i++) {
        if (hits[i].key_len == kl && memcmp(hits[i].key, key, kl) == 0) {
            return i;
        }
    }
    return -1;
}

int hit_is(const hit *h, const char *key, const char *val) {
    size_t kl = strlen(key), vl = strlen(val);
    return h->key_len == kl && memcmp(h->key, key, kl) == 0 && h->val_len == vl &&
           (vl == 0 || memcmp(h->val, val, vl) == 0);
}

/* ---- Store helpers ----------------------------------------------------------- */

uint64_t len_of(store_t h) {
    uint64_t n = 0;
    OK(store_len(h, &n));
    return n;
}

void expect_value_at(store_t h, const char *key, const char *val, const char *file, int line) {
    store_bytes b = junk_bytes();
    store_status st = store_get(h, (const uint8_t *)key, strlen(key), &b);
    t_statusf(st, STORE_OK, file, line, key);
    size_t vl = strlen(val);
    int same = st == STORE_OK && b.ptr != NULL && b.len == vl && memcmp(b.ptr, val, vl) == 0;
    char what[256];
    snprintf(what, sizeof what, "value of %.100s is %.100s", key, val);
    t_result(same, file, line, what, NULL);
    store_bytes_free(&b);
}

void expect_absent_at(store_t h, const char *key, const char *file, int line) {
    store_bytes b = junk_bytes();
    char what[256];
    snprintf(what, sizeof what, "%.100s is absent", key);
    t_statusf(store_get(h, (const uint8_t *)key, strlen(key), &b), STORE_NOT_FOUND, file, line, what);
    t_result(b.ptr == NULL && b.len == 0, file, line, "output left {NULL, 0}", key);
    store_bytes_free(&b);
}

static uint8_t junk_target[8];

store_bytes junk_bytes(void) {
    store_bytes b = {junk_target, 12345};
    return b;
}

store_t open_memory(void) {
    store_t db = 0;
    OK(store_open(":memory:", NULL, &db));
    if (db == 0) {
        fprintf(stderr, "cannot open a memory store: giving up\n");
        exit(1);
    }
    return db;
}

void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- Temporary files ---------------------------------------------------------- */

char *make_tmpdir(void) {
    const char *base = getenv("TMPDIR");
    char tmpl[4096];
    snprintf(tmpl, sizeof tmpl, "%s/storectest.XXXXXX", base && *base ? base : "/tmp");
    char *dir = mkdtemp(tmpl);
    CHECK_MSG(dir != NULL, strerror(errno));
    if (dir == NULL) {
        return NULL;
    }
    char *out = malloc(strlen(dir) + 1);
    if (out != NULL) {
        strcpy(out, dir);
    }
    return out;
}

void remove_tmpdir(char *dir) {
    if (dir == NULL) {
        return;
    }
    DIR *d = opendir(dir);
    if (d != NULL) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
                continue;
            }
            char *p = path_join(dir, e->d_name);
            struct stat st;
            if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
                remove_tmpdir(p); /* frees p */
                continue;
            }
            CHECK_MSG(unlink(p) == 0, p);
            free(p);
        }
        closedir(d);
    }
    CHECK_MSG(rmdir(dir) == 0, dir);
    CHECK(!file_exists(dir));
    free(dir);
}

char *path_join(const char *dir, const char *name) {
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

int file_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

long file_size(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

int write_file(const char *path, const void *data, size_t len) {
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        return -1;
    }
    size_t n = fwrite(data, 1, len, f);
    return (fclose(f) == 0 && n == len) ? 0 : -1;
}

/* ---- Runner ------------------------------------------------------------------------ */

static void run(const char *name, void (*fn)(void)) {
    uint64_t before = store_outstanding_buffers();
    long failed_before = t_failed();
    fn();
    uint64_t after = store_outstanding_buffers();
    char detail[128];
    snprintf(detail, sizeof detail, "%s: %llu buffers outstanding before, %llu after", name,
             (unsigned long long)before, (unsigned long long)after);
    CHECK_MSG(after == before, detail);
    fprintf(stderr, "%-16s %s\n", name, t_failed() == failed_before ? "ok" : "FAILED");
}

int main(void) {
    /* A watchdog: a hung test kills the run (SIGALRM's default action)
     * instead of blocking make forever. */
    alarm(300);
    if (store_abi_version() != STORE_ABI_VERSION) {
        fprintf(stderr, "ABI mismatch: library %u, header %u\n", store_abi_version(), STORE_ABI_VERSION);
        return 1;
    }
    run("library", test_library);
    run("buffers", test_buffers);
    run("open_close", test_open_close);
    run("kv", test_kv);
    run("many", test_many);
    run("into", test_into);
    run("tx", test_tx);
    run("threads", test_threads);
    run("index", test_index);
    run("spatial", test_spatial);
    run("batch", test_batch);
    run("files", test_files);
    run("limits", test_limits);
    run("query", test_query);
    run("fence", test_fence);
    printf("%ld passed, %ld failed\n", t_passed(), t_failed());
    return t_failed() == 0 ? 0 : 1;
}
