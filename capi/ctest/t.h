/* A tiny assertion framework and shared helpers for the C tests of
 * store.h. Every check counts as passed or failed; a failure prints
 * file:line, what was checked and, for status checks, the status names and
 * the calling thread's store_last_error. */
#ifndef CTEST_T_H
#define CTEST_T_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* Counters, safe to update from several threads. */
void t_result(int ok, const char *file, int line, const char *what, const char *detail);
void t_statusf(store_status got, store_status want, const char *file, int line, const char *call);
void t_errorf(store_status got, store_status want, const char *file, int line, const char *call);
long t_passed(void);
long t_failed(void);

/* CHECK(cond): a plain condition. */
#define CHECK(cond) t_result(!!(cond), __FILE__, __LINE__, #cond, NULL)
/* CHECK_MSG(cond, detail): with a detail string printed on failure. */
#define CHECK_MSG(cond, detail) t_result(!!(cond), __FILE__, __LINE__, #cond, (detail))
/* OK(call): the call returns STORE_OK. */
#define OK(call) t_statusf((call), STORE_OK, __FILE__, __LINE__, #call)
/* ST(call, want): the call returns exactly want (STORE_NOT_FOUND, ...). */
#define ST(call, want) t_statusf((call), (want), __FILE__, __LINE__, #call)
/* ERR(call, want): the call fails with want, and store_last_error gives
 * this thread a non-empty message. */
#define ERR(call, want) t_errorf((call), (want), __FILE__, __LINE__, #call)

/* Byte helpers: keys and values as (pointer, length) from a C string. */
#define B(s) (const uint8_t *)(s), strlen(s)

/* One decoded hit of a result buffer. */
typedef struct hit {
    const uint8_t *key;
    uint32_t key_len;
    uint32_t val_len; /* STORE_MISSING: no value */
    double dist;
    const uint8_t *val;
} hit;

/* Decodes a result buffer into at most max hits. Returns the count, or -1
 * when the buffer is malformed (short, overlong, trailing bytes) or has
 * more than max hits. */
long decode(const store_bytes *b, hit *hits, size_t max);
/* Decodes one result section (u32 count, then its hits) at the start of
 * p[0..len) into at most max hits: a batch buffer is such sections end to
 * end. Returns the count and sets *used to the section's bytes, or returns
 * -1 when it is malformed or has more than max hits. */
long decode_part(const uint8_t *p, size_t len, size_t *used, hit *hits, size_t max);
/* The index of the hit whose key is the C string key, or -1. */
long find_hit(const hit *hits, long n, const char *key);
/* Whether hit h has exactly the key and value given as C strings. */
int hit_is(const hit *h, const char *key, const char *val);

/* Store helpers. Each counts its checks. */
uint64_t len_of(store_t h);
/* The key (C string) reads back as exactly the value (C string). */
void expect_value_at(store_t h, const char *key, const char *val, const char *file, int line);
/* The key (C string) is absent: NOT_FOUND, output left {NULL, 0}. */
void expect_absent_at(store_t h, const char *key, const char *file, int line);
#define EXPECT_VALUE(h, k, v) expect_value_at((h), (k), (v), __FILE__, __LINE__)
#define EXPECT_ABSENT(h, k) expect_absent_at((h), (k), __FILE__, __LINE__)
/* A buffer the library left untouched by a failure: {NULL, 0}. */
#define CHECK_ZEROED(b) CHECK((b).ptr == NULL && (b).len == 0)
/* Fills a store_bytes with junk so that a test sees whether a call zeroes it. */
store_bytes junk_bytes(void);

/* A memory store; fails the test run if it cannot be opened. */
store_t open_memory(void);
/* A handle that was never issued. */
#define NEVER_ISSUED ((store_t)0x7fffffff12345677ull)
/* Sleeps ms milliseconds. */
void sleep_ms(long ms);
/* Monotonic milliseconds. */
double now_ms(void);

/* Temporary directories, removed with everything in them. */
char *make_tmpdir(void); /* malloc'd path; NULL on failure (counted) */
void remove_tmpdir(char *dir); /* removes files in dir, then dir; frees dir */
/* dir + "/" + name into a static-free malloc'd string. */
char *path_join(const char *dir, const char *name);
int file_exists(const char *path);
long file_size(const char *path);
/* Writes len bytes to path; returns 0 on success. */
int write_file(const char *path, const void *data, size_t len);

/* The test groups. */
void test_library(void);
void test_buffers(void);
void test_open_close(void);
void test_kv(void);
void test_many(void);
void test_into(void);
void test_tx(void);
void test_threads(void);
void test_index(void);
void test_spatial(void);
void test_batch(void);
void test_limits(void);
void test_files(void);
void test_query(void);
void test_fence(void);

#endif
