/*
 * store.h: an embedded key-value and spatial store (BuntDB's engine) behind
 * a handle-based C API. Link with -lstore (libstore.so).
 *
 * Conventions that hold for every function below unless it says otherwise:
 *
 * Handles. A store_t names an open database or an open transaction. Handles
 * are never 0 and never reused: a closed, committed, rolled-back or unknown
 * handle gives STORE_ERR_BAD_HANDLE, never a crash. Every data function
 * takes either kind: on a database it runs in a transaction of its own, on
 * a transaction it joins it.
 *
 * Threads. Every function is thread-safe. A database handle may be used
 * from many threads at once: readers run in parallel, writers one at a time.
 * Calls on one transaction handle from several threads are serialised.
 *
 * Blocking. A call that reads waits while a write transaction is open on
 * another thread; a call that writes (and store_begin with writable != 0)
 * waits for every open transaction on other threads. A database-level call
 * made on the thread that began a still-open transaction of that database
 * would wait for itself forever: it returns STORE_ERR_WOULD_DEADLOCK
 * instead. Use the transaction handle there.
 *
 * Errors. Functions return a store_status. On failure nothing was changed,
 * output parameters are left zeroed (NULL / 0), and store_last_error gives
 * the calling thread a message. STORE_ERR_INTERNAL means a bug in the
 * library that was caught before it could reach the caller.
 *
 * Memory. Bytes the library returns are in a store_bytes that the caller
 * owns and releases with store_bytes_free, and with nothing else. The
 * library keeps no pointer the caller passed after the call returns.
 *
 * Bytes in: a (pointer, length) pair; keys and values may hold NUL bytes. A
 * NULL pointer with length 0 is the empty string; with any other length it
 * is STORE_ERR_INVALID_ARG. Strings in (paths, index names, patterns, JSON
 * paths): NUL-terminated UTF-8, NULL only where a function says so.
 *
 * Host process. libstore.so carries a Go runtime: load it once per process
 * and never unload it (dlclose does not unload it safely). A Go program
 * imports the Go package `store` instead of loading this library, because a
 * process holds one Go runtime. Do not fork without exec once the library
 * is loaded: the child has one thread and the runtime's others are gone.
 * Signal handlers the host installs must use SA_ONSTACK, or the Go runtime
 * may crash when a signal arrives on one of its threads.
 */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI this header describes. store_abi_version() returns the ABI of the
 * loaded library; a program should refuse to run when they differ.
 * 2: store_options grew the limits (appended: a program built for 1 passes a
 * smaller struct, which the library of 2 would read past, so it must
 * refuse to run rather than pass it). */
#define STORE_ABI_VERSION 2

/* A database or transaction handle. 0 is never a valid handle. */
typedef uint64_t store_t;

/* Status codes: 0 is success, 1 a miss, negative values errors. */
typedef int32_t store_status;
#define STORE_OK 0
#define STORE_NOT_FOUND 1                /* the key is not there (or has expired) */
#define STORE_ERR_INVALID_ARG (-1)       /* NULL where not allowed, bad geometry, bad option */
#define STORE_ERR_BAD_HANDLE (-2)        /* 0, unknown, closed or finished handle */
#define STORE_ERR_CLOSED (-3)            /* the database was closed during the call */
#define STORE_ERR_TX_READ_ONLY (-4)      /* a write through a read-only transaction */
#define STORE_ERR_TX_CLOSED (-5)         /* the transaction ended during the call */
#define STORE_ERR_INDEX_EXISTS (-6)      /* an index of that name has another definition */
#define STORE_ERR_NO_INDEX (-7)          /* no such index, or one of the wrong kind */
#define STORE_ERR_WOULD_DEADLOCK (-8)    /* a database-level call from a thread holding a transaction */
#define STORE_ERR_IO (-9)                /* the operating system refused a read or write */
#define STORE_ERR_CORRUPT (-10)          /* a file or snapshot that is not a valid store */
#define STORE_ERR_BUSY (-11)             /* file held by another store, transaction open at close */
#define STORE_ERR_INTERNAL (-12)         /* a bug in the library, caught */
#define STORE_ERR_LIMIT (-13)            /* a key, value, batch or result over the store's limits (see store_options) */
#define STORE_ERR_BUFFER_TOO_SMALL (-14) /* a caller's buffer cannot hold the result: the size needed is reported */

/* Sync policies for file-backed stores. */
#define STORE_SYNC_NEVER 0        /* leave flushing to the OS: fastest, a crash may lose recent writes */
#define STORE_SYNC_EVERY_SECOND 1 /* fsync once a second: a crash loses at most ~1 s (default) */
#define STORE_SYNC_ALWAYS 2       /* fsync before every commit returns (the commit note, then the data): acknowledged writes survive */

/* Kinds of ordered index, for store_create_index. */
#define STORE_INDEX_STRING 0              /* case-insensitive text */
#define STORE_INDEX_BINARY 1              /* bytes, memcmp order */
#define STORE_INDEX_INT 2                 /* signed decimal integers */
#define STORE_INDEX_UINT 3                /* unsigned decimal integers */
#define STORE_INDEX_FLOAT 4               /* decimal floating point */
#define STORE_INDEX_JSON 5                /* the value at a gjson path, case-insensitive */
#define STORE_INDEX_JSON_CASE_SENSITIVE 6 /* the value at a gjson path, case-sensitive */

/* Flags for store_scan. */
#define STORE_SCAN_DESC 1 /* walk from the high end of the range down */

/* The largest number of dimensions of a spatial index. */
#define STORE_MAX_DIMS 20

/* Options for store_open. Fill with store_options_default, then change. */
typedef struct store_options {
    int32_t sync_policy;            /* STORE_SYNC_*; ignored in memory */
    int32_t auto_shrink_percentage; /* rewrite the file when it grew this much since the last rewrite; >= 0 */
    int64_t auto_shrink_min_size;   /* no background rewrite below this many bytes; >= 0 */
    int32_t auto_shrink_disabled;   /* non-zero: no background rewrite (store_shrink still works) */
    /* Limits (ABI 2). 0 means the default below; negative is INVALID_ARG. A
     * call over a limit returns STORE_ERR_LIMIT and changes nothing. */
    int64_t max_key_size;    /* largest key a write takes, bytes */
    int64_t max_value_size;  /* largest value a write takes, bytes */
    int64_t max_result_size; /* largest result buffer one call builds, bytes */
    int64_t max_batch_items; /* most items, keys or queries one batch call takes */
} store_options;

/* The default limits: far above what a sane call needs, far below what
 * would exhaust a machine (in a library, running out of memory ends the
 * host process: it cannot be recovered). */
#define STORE_DEFAULT_MAX_KEY_SIZE (64 * 1024)                /* 64 KiB */
#define STORE_DEFAULT_MAX_VALUE_SIZE (64 * 1024 * 1024)       /* 64 MiB */
#define STORE_DEFAULT_MAX_RESULT_SIZE (1024LL * 1024 * 1024)  /* 1 GiB */
#define STORE_DEFAULT_MAX_BATCH_ITEMS (16 * 1024 * 1024)      /* 16,777,216 */

/* Bytes owned by the caller once returned; release with store_bytes_free.
 * ptr is never NULL for a returned buffer, even when len is 0. */
typedef struct store_bytes {
    uint8_t *ptr;
    size_t len;
} store_bytes;

/* One item for store_set_many (key, value, ttl), store_get_many and
 * store_delete_many (key only: val and ttl_ms are ignored there). */
typedef struct store_kv {
    const uint8_t *key;
    size_t key_len;
    const uint8_t *val;
    size_t val_len;
    int64_t ttl_ms; /* <= 0: no expiry */
} store_kv;

/*
 * Result buffers. store_get_many, store_scan, store_intersects, store_within,
 * store_nearby and store_pairs return one store_bytes holding, little-endian:
 *
 *   u32 count
 *   count times: u32 key_len, u32 val_len, f64 dist, key bytes, value bytes
 *
 * dist is the distance for store_nearby and store_pairs and 0 elsewhere. In
 * store_get_many a missing key has val_len = STORE_MISSING and no value
 * bytes. Fields are not aligned: read them with memcpy.
 *
 * Batch results. store_intersects_many, store_within_many and
 * store_nearby_many run many queries in one call and return one store_bytes
 * holding, for each query in the order given, that query's result in the
 * layout above (u32 count, then its hits): one decoder serves both. A query
 * with no hits is just a u32 0; a batch of no queries is an empty buffer
 * (len 0, ptr non-NULL).
 *
 * Pair results. store_pairs uses the single-query layout with each pair as
 * two consecutive hits, A then B, both carrying the pair's distance in dist:
 * count counts hits, so it is twice the number of pairs.
 */
#define STORE_MISSING 0xFFFFFFFFu
#define STORE_TTL_NEVER (-1)   /* store_ttl, store_ttl_many: the key never expires */
#define STORE_TTL_MISSING (-2) /* store_ttl_many: the key is missing or expired */
#define STORE_HIT_HEADER 16 /* bytes before each hit's key */

/* ---- Query options, field updates, index listing (types) --------------------- */

/* Flags of store_query_opts.flags. STORE_SCAN_DESC may be given there too,
 * for store_scan_ex only. */
#define STORE_QUERY_KEYS_ONLY 2  /* hits carry val_len 0 and no value bytes */
#define STORE_QUERY_COUNT_ONLY 4 /* the buffer holds only each query's u32 count */

/* Flag of store_scan and store_scan_ex: lo (lol bytes) is a prefix and hi
 * must be NULL; see store_scan. */
#define STORE_SCAN_PREFIX 8

/* Operators of store_where.op. */
#define STORE_WHERE_EQ 0        /* the field is the number min */
#define STORE_WHERE_RANGE 1     /* the field is a number v with min <= v <= max (+-infinity: open) */
#define STORE_WHERE_STR_EQ 2    /* the field is the string str (bytewise) */
#define STORE_WHERE_STR_RANGE 3 /* the field is a string s with str <= s <= str_max (bytewise) */
#define STORE_WHERE_EXISTS 4    /* the field is there, whatever its type */

/* One condition on a field of a JSON value, read at a gjson path. A value
 * that is not JSON, or has no such field, or a field of another type,
 * fails the condition. Fields an operator does not use are ignored. */
typedef struct store_where {
    const char *path;       /* gjson path, NUL-terminated, not NULL or "" */
    int32_t op;             /* STORE_WHERE_* */
    double min, max;        /* STORE_WHERE_EQ (min), STORE_WHERE_RANGE; never NaN, min <= max */
    const uint8_t *str;     /* STORE_WHERE_STR_EQ, STORE_WHERE_STR_RANGE (low bound) */
    size_t str_len;         /*   bytes in, as everywhere: NULL with 0 is "" */
    const uint8_t *str_max; /* STORE_WHERE_STR_RANGE: high bound; str <= str_max */
    size_t str_max_len;
} store_where;

/* Options of the _ex queries. A NULL pointer means none: the plain call. */
typedef struct store_query_opts {
    uint32_t flags;            /* STORE_QUERY_KEYS_ONLY, STORE_QUERY_COUNT_ONLY (not both) */
    const char *match;         /* key pattern ('*', '?', '\\' escapes); NULL: any key */
    const store_where *where;  /* where_len conditions, all must hold; NULL only when where_len is 0 */
    size_t where_len;
} store_query_opts;

/* Operations of store_field_update.op. */
#define STORE_FIELD_SET 0    /* set the field to val (JSON text) */
#define STORE_FIELD_INCR 1   /* add delta to the number there */
#define STORE_FIELD_DELETE 2 /* remove the field */

/* One change of store_update_fields. */
typedef struct store_field_update {
    const uint8_t *key;
    size_t key_len;
    const char *path; /* sjson path, NUL-terminated: "hp", "pos.2", "inv.-1" (append) */
    int32_t op;       /* STORE_FIELD_* */
    const uint8_t *val; /* STORE_FIELD_SET: the new value as JSON text */
    size_t val_len;
    double delta;     /* STORE_FIELD_INCR */
} store_field_update;

/* The kind store_indexes reports for a spatial index. */
#define STORE_INDEX_SPATIAL 100

/* The library's own cgo layer defines STORE_TYPES_ONLY: cgo cannot export
 * functions with const parameters, so it takes the types from here and
 * declares the functions itself. Programs never define it. */
#ifndef STORE_TYPES_ONLY

/* ---- Library ---------------------------------------------------------- */

/* The ABI version of the loaded library. Never fails, never blocks. */
uint32_t store_abi_version(void);

/* The name of a status code ("STORE_OK", "STORE_ERR_IO", ...), or
 * "STORE_UNKNOWN_STATUS". The string is static: do not free it. */
const char *store_status_name(store_status status);

/* Copies the calling thread's last error message into buf (cap bytes),
 * truncated to fit and always NUL-terminated when cap > 0, and returns the
 * message's full length without the NUL: store_last_error(NULL, 0) asks
 * for the size. Returns 0 when this thread has had no failed call. A
 * successful call does not clear the message. */
size_t store_last_error(char *buf, size_t cap);

/* Releases a buffer the library returned and sets b->ptr to NULL and
 * b->len to 0. NULL-safe: b == NULL and b->ptr == NULL do nothing, so
 * freeing twice through the same store_bytes is harmless. A pointer the
 * library did not return (or already freed) is ignored, not freed. */
void store_bytes_free(store_bytes *b);

/* The number of buffers returned and not yet freed, process-wide. For leak
 * tests. */
uint64_t store_outstanding_buffers(void);

/* ---- Opening and closing ----------------------------------------------- */

/* Fills *o with the defaults: sync every second, auto-shrink at 100% growth
 * once the file is 32 MiB, the STORE_DEFAULT_MAX_* limits. NULL-safe. */
void store_options_default(store_options *o);

/* Opens the store at path, creating the file if needed, or a store in
 * memory when path is ":memory:". o may be NULL for the defaults. On
 * success *out is the new database handle.
 *
 * A file store takes an advisory lock on path.lock, where it also notes
 * the extent of the commit being written, and saves its index definitions
 * in path.idx; both sit beside the data file. Indexes defined earlier are
 * rebuilt. Blocks while it reads the file. A transaction is all or
 * nothing across a crash: a commit whose write was cut short is dropped
 * whole.
 *
 * The file is checked record by record before it is loaded: a refused
 * open leaves it byte for byte as it was, and releases the lock.
 *
 * Errors: INVALID_ARG (path or out NULL, empty path, bad option, path is a
 * directory, a device or anything but a regular file), BUSY (another open
 * store holds the file, in this process or another), IO, CORRUPT (not a
 * store file, or a damaged record: the message names its byte offset; a
 * half-written last record is not corruption: it is dropped). */
store_status store_open(const char *path, const store_options *o, store_t *out);

/* Flushes and closes the database; the handle is invalid afterwards.
 * Waits for calls in flight on other threads.
 * Errors: BAD_HANDLE (also for a transaction handle), BUSY (a transaction
 * is open: commit or roll it back first; nothing changed), IO (the handle
 * is released anyway). */
store_status store_close(store_t db);

/* ---- Key-value ---------------------------------------------------------- */

/* Stores the value under the key, replacing any old value. ttl_ms > 0 makes
 * the item expire that many milliseconds from now (a file keeps it in whole
 * seconds: see "Expiry on disk" at the end). If the key matches a
 * spatial index whose geometry cannot be read from the value, nothing is
 * written and the result is INVALID_ARG.
 * Errors: BAD_HANDLE, INVALID_ARG, TX_READ_ONLY, WOULD_DEADLOCK, IO. */
store_status store_set(store_t h, const uint8_t *k, size_t kl, const uint8_t *v, size_t vl,
                       int64_t ttl_ms);

/* Copies the value under the key into *val (free it with store_bytes_free).
 * Returns NOT_FOUND, with *val zeroed, for a missing or expired key.
 * Errors: BAD_HANDLE, INVALID_ARG (val NULL), WOULD_DEADLOCK. */
store_status store_get(store_t h, const uint8_t *k, size_t kl, store_bytes *val);

/* Removes the key. Returns NOT_FOUND when it is not there.
 * Errors: BAD_HANDLE, INVALID_ARG, TX_READ_ONLY, WOULD_DEADLOCK, IO. */
store_status store_delete(store_t h, const uint8_t *k, size_t kl);

/* Writes the key's remaining time to live in milliseconds to *ttl_ms
 * (rounded up, so a live key never reads 0), or -1 when it never expires.
 * Returns NOT_FOUND for a missing or expired key.
 * Errors: BAD_HANDLE, INVALID_ARG (ttl_ms NULL), WOULD_DEADLOCK. */
store_status store_ttl(store_t h, const uint8_t *k, size_t kl, int64_t *ttl_ms);

/* Writes n items in one transaction: all of them or, if any is refused
 * (bad pointer, bad geometry), none. items may be NULL when n is 0.
 * Errors: BAD_HANDLE, INVALID_ARG (names the item), TX_READ_ONLY,
 * WOULD_DEADLOCK, IO. */
store_status store_set_many(store_t h, const store_kv *items, size_t n);

/* Removes the keys (the key fields of keys[]) that are there, in one
 * transaction, and writes how many it removed to *deleted (which may be
 * NULL); missing and expired keys are skipped, not an error. On failure
 * nothing is removed. keys may be NULL when n is 0.
 * Errors: BAD_HANDLE, INVALID_ARG (keys NULL with n > 0, bad key pointer:
 * names the item), TX_READ_ONLY, WOULD_DEADLOCK, IO. */
store_status store_delete_many(store_t h, const store_kv *keys, size_t n, uint64_t *deleted);

/* Looks up n keys (the key fields of keys[]) in one read transaction and
 * returns one result buffer with a hit per key, in order; a missing key has
 * val_len = STORE_MISSING.
 * Errors: BAD_HANDLE, INVALID_ARG (out NULL, keys NULL with n > 0, bad key
 * pointer), WOULD_DEADLOCK. */
store_status store_get_many(store_t h, const store_kv *keys, size_t n, store_bytes *out);

/* ---- Key-value into the caller's memory ----------------------------------- */

/* The calls below write into a buffer the caller owns instead of returning
 * a store_bytes: nothing to free, and no allocation in the library. The
 * size the result needs is written to *len in every case but an argument
 * error; when it is more than cap, nothing is written to buf and the call
 * returns BUFFER_TOO_SMALL, so the caller can grow the buffer to *len and
 * call again (the value may have changed in between: loop). buf may be
 * NULL when cap is 0, which asks for the size only. Thread-safe; they block
 * like the calls they mirror. */

/* store_get into buf: copies the value under the key and writes its length
 * to *val_len. Returns NOT_FOUND, with *val_len = 0, for a missing or
 * expired key.
 * Errors: BAD_HANDLE, INVALID_ARG (val_len NULL, buf NULL with cap > 0),
 * BUFFER_TOO_SMALL, WOULD_DEADLOCK. */
store_status store_get_into(store_t h, const uint8_t *k, size_t kl, uint8_t *buf, size_t cap,
                            size_t *val_len);

/* store_get_many into buf: the same result layout as store_get_many (u32
 * count, then a hit per key with val_len = STORE_MISSING for a missing
 * key), *len bytes of it.
 * Errors: BAD_HANDLE, INVALID_ARG (len NULL, buf NULL with cap > 0, keys
 * NULL with n > 0, bad key pointer), BUFFER_TOO_SMALL, WOULD_DEADLOCK. */
store_status store_get_many_into(store_t h, const store_kv *keys, size_t n, uint8_t *buf,
                                 size_t cap, size_t *len);

/* Reads the remaining time to live of n keys (the key fields of keys[]) in
 * one read transaction into ttl_ms[0..n): milliseconds rounded up as in
 * store_ttl, STORE_TTL_NEVER for a key without expiry, STORE_TTL_MISSING
 * for a missing or expired key. keys and ttl_ms may be NULL when n is 0.
 * Errors: BAD_HANDLE, INVALID_ARG (NULL with n > 0, bad key pointer),
 * WOULD_DEADLOCK. */
store_status store_ttl_many(store_t h, const store_kv *keys, size_t n, int64_t *ttl_ms);

/* ---- Transactions --------------------------------------------------------- */

/* Begins a transaction on the database: read-only when writable is 0. A
 * write transaction excludes all others until it ends; a read one shares
 * with readers. It must end with store_commit or store_rollback, which
 * release the handle. The thread that began it must not make
 * database-level calls on the same database until it ends (they return
 * WOULD_DEADLOCK).
 * Errors: BAD_HANDLE (also for a transaction handle: no nesting),
 * INVALID_ARG (tx NULL), WOULD_DEADLOCK (this thread holds one already). */
store_status store_begin(store_t db, int writable, store_t *tx);

/* Commits and releases the transaction. If writing the file fails, the
 * transaction is rolled back, the handle released, and IO returned.
 * Committing a read-only transaction just releases it.
 * Errors: BAD_HANDLE, IO. */
store_status store_commit(store_t tx);

/* Rolls back and releases the transaction. Errors: BAD_HANDLE. */
store_status store_rollback(store_t tx);

/* ---- Indexes ---------------------------------------------------------------- */

/* The three calls below take a database or a write transaction. On a
 * database the change is a transaction of its own, saved (on a file store)
 * when it returns. On a transaction it joins it: the index exists for the
 * rest of the transaction (its queries see it, its writes update it), a
 * rollback takes it away as if it had never been, and the commit saves
 * the definitions with the data. A read-only transaction gives
 * TX_READ_ONLY. */

/* Builds an ordered index called name over the values of the keys that
 * match pattern ('*' any run of bytes, '?' one byte). kind is a
 * STORE_INDEX_*; json_path is the gjson path for the JSON kinds and must be
 * NULL or "" for the others. Creating an index that exists with the same
 * definition succeeds and does nothing. On a file store the definition is
 * saved and the index rebuilt at every open. Blocks while it builds.
 * Errors: BAD_HANDLE, INVALID_ARG, INDEX_EXISTS (another definition),
 * WOULD_DEADLOCK, IO. */
store_status store_create_index(store_t db, const char *name, const char *pattern, int32_t kind,
                                const char *json_path);

/* Builds an R-tree called name over the geometry of the values of the keys
 * that match pattern. With a json_path, gjson reads the geometry there:
 * [x, y, z] is a point, [[min...], [max...]] a box, {"x":..,"y":..,"z":..} a
 * point, a string is rect text. With json_path NULL or "", the whole value
 * is rect text: "[x y z]" for a point, "[x y],[x y]" for a box. From 1 to
 * STORE_MAX_DIMS dimensions; coordinates finite, min <= max. If an item
 * already under pattern has no readable geometry, nothing is built and the
 * result is INVALID_ARG naming its key. Same-definition and persistence
 * rules as store_create_index. The index is the store's own R-tree, built
 * packed (bulk-loaded) over the items already there, here and at every
 * store_open; later writes update it in place, inside their transaction
 * (a rollback restores it exactly). Items with different numbers of
 * dimensions may share one index.
 * Errors: BAD_HANDLE, INVALID_ARG, INDEX_EXISTS, WOULD_DEADLOCK, IO. */
store_status store_create_spatial_index(store_t db, const char *name, const char *pattern,
                                        const char *json_path);

/* Removes an index (its items stay).
 * Errors: BAD_HANDLE, INVALID_ARG, NO_INDEX (unknown name), WOULD_DEADLOCK,
 * IO. */
store_status store_drop_index(store_t db, const char *name);

/* ---- Queries ------------------------------------------------------------------ */

/* Returns, in one result buffer, the items of an ordered index whose
 * indexed value v has lo <= v < hi in the index's order, ascending, or
 * descending with STORE_SCAN_DESC; at most limit of them (0: no limit). An
 * empty index name ("" ; NULL is not allowed) scans the keys themselves. A
 * NULL lo or hi is an open end (then its length is ignored). For a JSON
 * index the bounds are JSON documents with a value at the index's path,
 * e.g. {"age":30}; for the numeric kinds, numbers as text.
 *
 * Prefix scans: with STORE_SCAN_PREFIX in flags, lo (lol bytes; NULL with
 * 0 is "") is a prefix and hi must be NULL: the scan returns every item
 * whose key (index "") or indexed value starts with it, in index order.
 * "Starts with" is in the index's terms: bytewise for the keys and the
 * BINARY and JSON_CASE_SENSITIVE kinds, ASCII case-insensitively for the
 * STRING and JSON kinds; for the JSON kinds, the values that are strings
 * at the index's path. The numeric kinds refuse a prefix (INVALID_ARG).
 * Errors: BAD_HANDLE, INVALID_ARG (unknown flags, out NULL, a prefix with
 * hi given or on a numeric index), NO_INDEX (unknown, or spatial),
 * WOULD_DEADLOCK. */
store_status store_scan(store_t h, const char *index, const uint8_t *lo, size_t lol,
                        const uint8_t *hi, size_t hil, int32_t flags, size_t limit,
                        store_bytes *out);

/* Returns the items of a spatial index whose box touches the box min..max
 * (dims values each, 1 to STORE_MAX_DIMS; bounds may be infinite, never
 * NaN, min <= max), at most limit of them (0: no limit), in no set order.
 * An item with another number of dimensions than the box is compared on
 * the dimensions both have. Expired items never appear.
 * Errors: BAD_HANDLE, INVALID_ARG (bad box, NULL pointer), NO_INDEX
 * (unknown or not spatial), WOULD_DEADLOCK. */
store_status store_intersects(store_t h, const char *index, const double *min, const double *max,
                              size_t dims, size_t limit, store_bytes *out);

/* As store_intersects, for the items wholly inside the box. */
store_status store_within(store_t h, const char *index, const double *min, const double *max,
                          size_t dims, size_t limit, store_bytes *out);

/* Returns the items of a spatial index nearest to point (dims finite
 * values), nearest first, each with its Euclidean distance to the item's
 * box (0 inside), over the dimensions both have; items at equal distance
 * come in key order (bytewise). Stops after k items (0: no limit) and
 * before the first item farther than max_dist (max_dist < 0 or +infinity:
 * no bound): k = 0 with a max_dist is a radius query. Expired items never
 * appear.
 * Errors: BAD_HANDLE, INVALID_ARG, NO_INDEX, WOULD_DEADLOCK. */
store_status store_nearby(store_t h, const char *index, const double *point, size_t dims,
                          size_t k, double max_dist, store_bytes *out);

/* Writes the number of items that have not expired to *n (with the
 * transaction's own writes, on a transaction handle). O(1) while no item
 * has had a TTL since the store was opened; after that it walks the keys,
 * O(n), because the engine counts an expired item until its once-a-second
 * sweep deletes it.
 * Errors: BAD_HANDLE, INVALID_ARG (n NULL), WOULD_DEADLOCK. */
store_status store_len(store_t h, uint64_t *n);

/* ---- Batch queries ------------------------------------------------------------ */

/* Runs store_intersects for each of nboxes boxes, in one read of the store
 * (one transaction, or the transaction h names), and returns the results
 * of every query in one buffer (see "Batch results" above): the hits of
 * box 0, then those of box 1, and so on. Box q is mins[q*dims + i] ..
 * maxs[q*dims + i] for i in 0..dims-1 (row-major); every box has the same
 * dims, from 1 to STORE_MAX_DIMS (checked even when nboxes is 0). mins and
 * maxs may be NULL only when nboxes is 0. limit applies to each query on
 * its own (0: no limit). Every box is checked before any query runs: one
 * bad box fails the whole call. With nboxes 0 the call still checks the
 * handle and that index names a spatial index, and returns an empty buffer.
 * *out is owned by the caller (free it with store_bytes_free) and zeroed on
 * failure. Blocks as any read does; thread-safe like every function.
 * Errors: BAD_HANDLE, INVALID_ARG (out or index NULL, dims 0 or over
 * STORE_MAX_DIMS, mins or maxs NULL with nboxes > 0, nboxes * dims too
 * large, a bad box: NaN, min > max; the message names the box), NO_INDEX
 * (unknown or not spatial), WOULD_DEADLOCK, CLOSED, TX_CLOSED. */
store_status store_intersects_many(store_t h, const char *index, const double *mins,
                                   const double *maxs, size_t dims, size_t nboxes, size_t limit,
                                   store_bytes *out);

/* As store_intersects_many, with store_within's test: the items wholly
 * inside each box. */
store_status store_within_many(store_t h, const char *index, const double *mins,
                               const double *maxs, size_t dims, size_t nboxes, size_t limit,
                               store_bytes *out);

/* Runs store_nearby for each of npoints points, in one read of the store,
 * with the same k and max_dist for every point, and returns the results of
 * every query in one buffer (see "Batch results" above); within a query,
 * hits come nearest first with their distance. Point q is
 * points[q*dims .. q*dims + dims-1] (finite values); dims from 1 to
 * STORE_MAX_DIMS (checked even when npoints is 0). points may be NULL only
 * when npoints is 0. k: at most k hits per query (0: no limit); max_dist:
 * no hit farther than that (max_dist < 0: no bound; NaN is refused). Every
 * point is checked before any query runs. With npoints 0 the call still
 * checks the handle, max_dist and the index, and returns an empty buffer.
 * *out is owned by the caller and zeroed on failure. Blocks as any read
 * does; thread-safe.
 * Errors: BAD_HANDLE, INVALID_ARG (out or index NULL, dims 0 or over
 * STORE_MAX_DIMS, points NULL with npoints > 0, npoints * dims too large,
 * a NaN or infinite coordinate: the message names the point, max_dist NaN),
 * NO_INDEX, WOULD_DEADLOCK, CLOSED, TX_CLOSED. */
store_status store_nearby_many(store_t h, const char *index, const double *points, size_t dims,
                               size_t npoints, size_t k, double max_dist, store_bytes *out);

/* Returns every pair of distinct live items of a spatial index whose boxes
 * are at most max_dist apart (Euclidean distance between the boxes, over
 * the dimensions both have; 0 where they touch or overlap): "who is near
 * whom" in one call. Each pair comes once, as two consecutive hits A, B
 * (see "Pair results" above), in no particular order. pattern NULL or ""
 * means every pair, A being the smaller key in byte order; a pattern
 * ('*' any run of bytes, '?' one byte) keeps only the pairs where at least
 * one key matches, the matching key as A (the smaller one when both
 * match). max_dist must be finite and >= 0. Expired items never appear.
 * *out is owned by the caller and zeroed on failure. Blocks as any read
 * does; thread-safe.
 * Errors: BAD_HANDLE, INVALID_ARG (out or index NULL, max_dist negative,
 * NaN or infinite, a result over 4 GiB), NO_INDEX, WOULD_DEADLOCK, CLOSED,
 * TX_CLOSED. */
store_status store_pairs(store_t h, const char *index, double max_dist, const char *pattern,
                         store_bytes *out);

/* ---- Maintenance ---------------------------------------------------------------- */

/* Rewrites the database file with only its live items. Reads and writes
 * go on while it runs; it blocks the caller until done. Does nothing in
 * memory. If a shrink is already running (the automatic one, or another
 * thread's), it waits for that one to end and then runs its own, so STORE_OK
 * always means the file was compacted.
 * Errors: BAD_HANDLE, WOULD_DEADLOCK, CLOSED, IO. */
store_status store_shrink(store_t db);

/* Writes a snapshot of every live item to the file at path, atomically
 * (readers of path see the old file or the whole new one). Writers wait
 * while it runs.
 * Errors: BAD_HANDLE, INVALID_ARG, WOULD_DEADLOCK, IO. */
store_status store_save(store_t db, const char *path);

/* Adds every item of a snapshot file written by store_save, in one
 * transaction: all of it or, on a malformed snapshot or an item a spatial
 * index cannot read, nothing. Keys already present are replaced.
 * Errors: BAD_HANDLE, INVALID_ARG (also: not a regular file),
 * WOULD_DEADLOCK, IO, CORRUPT (names the byte offset of the bad record). */
store_status store_load(store_t db, const char *path);

/* ---- Limits --------------------------------------------------------------------- */

/* STORE_ERR_LIMIT, from the store_options limits, before anything is copied
 * or changed (so a length larger than the machine's memory is refused, not
 * read): store_set, store_set_many (names the item) and store_load refuse a
 * key over max_key_size or a value over max_value_size; store_delete and
 * store_delete_many a key over max_key_size; store_set_many,
 * store_get_many, store_get_many_into, store_ttl_many, store_delete_many,
 * store_intersects_many, store_within_many and store_nearby_many (and
 * their _ex forms) more than max_batch_items items or queries; a call that
 * builds a result buffer (store_get_many, store_get_many_into, the
 * queries, the batch queries and their _ex forms, store_pairs) one that
 * would pass max_result_size bytes (a STORE_QUERY_COUNT_ONLY result holds
 * only counts and is never refused). Reads (store_get, store_get_into, the
 * keys of store_get_many and store_ttl_many) do not check key sizes: a key
 * over the limit is simply not found. Inside a transaction the refused
 * call changes nothing and the transaction goes on. */

/* ---- Corners of the contract ---------------------------------------------------- */

/* Each of these holds for every call named, and is tested.
 *
 * Duplicates in a batch: when store_set_many holds the same key twice, the
 * later item wins (items are written in order).
 * Equal index values: store_scan returns items whose indexed values are
 * equal in key order (byte order), reversed with STORE_SCAN_DESC.
 * Expired items: no scan, query, batch or get returns an item whose TTL has
 * run out, whether or not the background sweep has removed it yet.
 * Dimensions: the distance between a query point and an item with another
 * number of dimensions is taken over the dimensions both have (a 3D point
 * and a 2D item: the first two axes); a query box with fewer dimensions
 * than an item is unbounded on the others.
 * JSON types: a JSON index orders values by type first, then within the
 * type: no value at the path < null < false < numbers < strings < true <
 * arrays and objects (those two by their JSON text).
 * Refused writes: a write refused inside a transaction (bad geometry, a
 * limit, a bad argument) changes nothing, and the transaction stays open
 * and usable: commit or roll back as usual.
 * store_load skips the snapshot's items whose TTL ran out between
 * store_save and store_load; the others keep what was left of it.
 * max_dist = +infinity in store_nearby and the batch variant is no bound,
 * as max_dist < 0 is.
 *
 * Expiry on disk: a file store (and a snapshot) keeps each expiry time in
 * whole seconds, rounded down, as BuntDB writes it. After a reopen, a
 * shrink or a store_load an item therefore expires up to one second early,
 * never late: an item that had expired never comes back, and one with less
 * than a second left may be gone. In memory, expiry is exact to the
 * millisecond.
 *
 * Power loss: with STORE_SYNC_ALWAYS every acknowledged commit survives a
 * power cut or OS crash, none is half applied, and every file a cut can
 * leave opens (tested through hundreds of simulated cuts, README
 * "Reliability"). With STORE_SYNC_EVERY_SECOND a cut loses only commits
 * made after the last sync (about the last second); a multi-item commit of
 * that window can be left partly applied. With STORE_SYNC_NEVER a cut may
 * lose anything the OS had not written back. The every-second fsync holds
 * no lock: transactions go on while it runs. Index definitions
 * (store_create_index, store_drop_index) are durable when the call
 * returns, under every policy. */
/* ---- Filtered queries ------------------------------------------------------------ */

/* store_scan_ex, store_intersects_ex, store_within_ex, store_nearby_ex,
 * store_intersects_many_ex, store_within_many_ex and store_nearby_many_ex
 * take the arguments of their plain forms plus opts, and behave as they do
 * with two differences:
 *
 * Filter. Only items whose key matches opts->match and whose value meets
 * every opts->where condition are reported. The store tests each candidate
 * before anything is copied, and a limit or k counts the items that pass:
 * store_nearby_ex with k = 10 returns the 10 nearest items that pass, not
 * the items that pass among the 10 nearest.
 *
 * Output. With STORE_QUERY_KEYS_ONLY each hit has val_len 0 and no value
 * bytes (dist is kept). With STORE_QUERY_COUNT_ONLY the buffer holds only
 * the u32 count of each query, in order (one for a single query), and no
 * hits: a batch of n queries gives 4 * n bytes.
 *
 * opts may be NULL (the plain call). opts and everything it points to are
 * read during the call only. A bad option fails the call before anything
 * runs: INVALID_ARG for unknown flags, both KEYS_ONLY and COUNT_ONLY,
 * STORE_SCAN_DESC outside store_scan_ex, a pattern ending in a lone '\\',
 * where NULL with where_len > 0, a condition with a NULL or empty path, an
 * unknown op, NaN or infinite equality, NaN bounds, min > max,
 * str > str_max, or a bad string pointer (the message names the
 * condition). Other errors, blocking and thread-safety: as the plain form.
 * *out is owned by the caller and zeroed on failure.
 *
 * store_pairs has no _ex form: its pattern already picks the first item of
 * each pair, and a condition on both items of a pair is a different query. */
store_status store_scan_ex(store_t h, const char *index, const uint8_t *lo, size_t lol,
                           const uint8_t *hi, size_t hil, int32_t flags, size_t limit,
                           const store_query_opts *opts, store_bytes *out);
store_status store_intersects_ex(store_t h, const char *index, const double *min, const double *max,
                                 size_t dims, size_t limit, const store_query_opts *opts,
                                 store_bytes *out);
store_status store_within_ex(store_t h, const char *index, const double *min, const double *max,
                             size_t dims, size_t limit, const store_query_opts *opts,
                             store_bytes *out);
store_status store_nearby_ex(store_t h, const char *index, const double *point, size_t dims,
                             size_t k, double max_dist, const store_query_opts *opts,
                             store_bytes *out);
store_status store_intersects_many_ex(store_t h, const char *index, const double *mins,
                                      const double *maxs, size_t dims, size_t nboxes, size_t limit,
                                      const store_query_opts *opts, store_bytes *out);
store_status store_within_many_ex(store_t h, const char *index, const double *mins,
                                  const double *maxs, size_t dims, size_t nboxes, size_t limit,
                                  const store_query_opts *opts, store_bytes *out);
store_status store_nearby_many_ex(store_t h, const char *index, const double *points, size_t dims,
                                  size_t npoints, size_t k, double max_dist,
                                  const store_query_opts *opts, store_bytes *out);

/* ---- Field updates ---------------------------------------------------------------- */

/* Changes one field of the JSON value under a key, in one transaction (or
 * in the transaction h names): the value is read, changed with sjson and
 * written back, keeping the key's TTL. A spatial index whose geometry is
 * in the value sees the change like any write: setting the position field
 * moves the item. The value must be a JSON object or array; the path an
 * sjson path naming one field ("hp", "pos.0", "inv.-1" appends to inv),
 * with no wildcard, query, modifier or pipe, and not running through a
 * number, string, bool or null. Whatever is refused changes nothing.
 * Blocks as any write does (see Blocking above); thread-safe.
 *
 * store_set_field sets the field to json (json_len bytes of JSON text),
 * creating it and the objects on the way if needed.
 * Returns NOT_FOUND for a missing or expired key.
 * Errors: BAD_HANDLE, INVALID_ARG (path NULL or bad, json not JSON, the
 * stored value not a JSON object or array, a geometry a spatial index
 * cannot read), TX_READ_ONLY, WOULD_DEADLOCK, CLOSED, TX_CLOSED, IO. */
store_status store_set_field(store_t h, const uint8_t *k, size_t kl, const char *path,
                             const uint8_t *json, size_t json_len);

/* Adds delta to the number at path and writes the new number to *out
 * (out may be NULL; it is 0 on failure). The field must hold a number, and
 * delta and the sum must be finite. Otherwise as store_set_field. */
store_status store_incr_field(store_t h, const uint8_t *k, size_t kl, const char *path,
                              double delta, double *out);

/* Removes the field at path, which must be there (else INVALID_ARG).
 * Otherwise as store_set_field. */
store_status store_delete_field(store_t h, const uint8_t *k, size_t kl, const char *path);

/* Applies n updates in order, in one transaction, all or none: the first
 * one refused leaves everything as it was, and the message names it (a
 * missing key gives NOT_FOUND). Several updates of one key apply one after
 * another. ups may be NULL when n is 0.
 * Errors: as store_set_field, and INVALID_ARG for an unknown op. */
store_status store_update_fields(store_t h, const store_field_update *ups, size_t n);

/* ---- Index definitions -------------------------------------------------------------- */

/* Returns the definitions of every index in one buffer, ordered by name:
 *
 *   u32 count
 *   count times: u32 name_len, u32 pattern_len, u32 path_len, i32 kind,
 *                name bytes, pattern bytes, path bytes
 *
 * kind is a STORE_INDEX_* (STORE_INDEX_SPATIAL for an R-tree); path is
 * empty when the index has none. Little-endian, unaligned. On a
 * transaction handle it lists what the transaction sees, the indexes it
 * made included. *out is owned by the caller and zeroed on failure.
 * Blocks as any read does; thread-safe.
 * Errors: BAD_HANDLE, INVALID_ARG (out NULL), WOULD_DEADLOCK, CLOSED,
 * TX_CLOSED. */
store_status store_indexes(store_t h, store_bytes *out);

/* ---- Geofences ---------------------------------------------------------------- */

/* A fence watches a spatial index: every commit that moves, adds, deletes
 * or expires items of the index queues an event for each key that came
 * into or left the fence, and store_poll_events hands them over in one
 * buffer. An item is inside a fence when its key matches the fence's
 * pattern ('*' any run of bytes, '?' one byte; NULL or "" means every key)
 * and the Euclidean distance from its box to the fence's region, over the
 * dimensions both have, is at most the fence's radius: touching a box
 * fence, within radius of a radius fence's centre, within radius of the
 * box of a roaming fence's key (which moves with it; that item is never
 * inside its own fence, and while the key is absent the fence is empty).
 *
 * A new fence starts with the items inside it then, without events. A
 * rolled-back or failed commit makes no events. An expired item leaves its
 * fences when the store removes it (within about a second of its expiry,
 * or at the first commit that rewrites or deletes its key); one already
 * expired when its own commit is weighed never enters. On a file
 * store the fence definitions are saved with the index definitions and
 * restored by store_open, filled from the items as they are then. Events
 * live in memory only: those not polled before store_close are gone. A
 * fence's name is its own namespace (an index may share it); dropping a
 * spatial index drops its fences (dropped in a transaction that rolls
 * back, they come back with it).
 *
 * Fence functions take a database handle (a transaction handle is
 * BAD_HANDLE). Creating and dropping fences write like any write
 * transaction and block as it does; polling and sizing the queue never
 * wait for transactions. */
#define STORE_FENCE_BOX 0    /* a fixed box */
#define STORE_FENCE_RADIUS 1 /* within radius of a fixed point */
#define STORE_FENCE_ROAM 2   /* within radius of a key's item, wherever it moves */
#define STORE_EVENT_ENTER 1
#define STORE_EVENT_EXIT 2
/* Events queued per database until polled; see store_set_event_capacity. */
#define STORE_EVENT_CAPACITY_DEFAULT 65536
#define STORE_EVENT_CAPACITY_MAX 16777216
#define STORE_EVENTS_HEADER 12 /* bytes before the first event: u32 count, u64 lost */
#define STORE_EVENT_HEADER 17  /* bytes before each event's fence name */

/* Defines a fence called name over the items of the spatial index index
 * that touch the box min..max (dims values each, finite, min <= max, dims
 * from 1 to STORE_MAX_DIMS). Creating a fence that exists with the same
 * definition succeeds and does nothing.
 * Errors: BAD_HANDLE, INVALID_ARG (name, index, min or max NULL, empty
 * name, bad box), NO_INDEX (index unknown or not spatial), INDEX_EXISTS (a
 * fence of that name with another definition), WOULD_DEADLOCK, CLOSED, IO. */
store_status store_create_fence_box(store_t db, const char *name, const char *index, const char *pattern,
                                    const double *min, const double *max, size_t dims);

/* Defines a fence over the items within radius (finite, >= 0) of the point
 * center (dims finite values). Rules and errors as store_create_fence_box
 * (INVALID_ARG also for a NaN, infinite or negative radius). */
store_status store_create_fence_radius(store_t db, const char *name, const char *index, const char *pattern,
                                       const double *center, size_t dims, double radius);

/* Defines a roaming fence over the items within radius (finite, >= 0) of
 * the item under key (key_len bytes, may hold NUL) in the same index,
 * following it as it moves. Rules and errors as store_create_fence_radius. */
store_status store_create_fence_roam(store_t db, const char *name, const char *index, const char *pattern,
                                     const uint8_t *key, size_t key_len, double radius);

/* Removes a fence; events of it already queued stay.
 * Errors: BAD_HANDLE, INVALID_ARG (name NULL or empty), NOT_FOUND (no such
 * fence), WOULD_DEADLOCK, CLOSED, IO. */
store_status store_drop_fence(store_t db, const char *name);

/* Takes up to max of the oldest queued events (max 0: all of them), oldest
 * first: commits in the order they happened, within one commit by fence
 * name, then key (byte order). Never blocks on transactions: a writer
 * holds the queue only while it commits. *out is owned by the caller and
 * zeroed on failure; layout, little-endian, unaligned:
 *   u32 count, u64 lost,
 *   then per event: u8 kind (STORE_EVENT_ENTER or _EXIT), i64 time (the
 *   commit's, Unix nanoseconds), u32 fence_len, u32 key_len, fence name,
 *   key.
 * lost is how many events the queue dropped (the oldest first) because it
 * was full since the previous poll; it starts again from 0.
 * It may be called from a thread inside a transaction of the database
 * (events of that transaction come after it commits).
 * Errors: BAD_HANDLE, INVALID_ARG (out NULL), CLOSED. */
store_status store_poll_events(store_t db, size_t max, store_bytes *out);

/* Sets how many events the database queues until polled, from 1 to
 * STORE_EVENT_CAPACITY_MAX (STORE_EVENT_CAPACITY_DEFAULT until set; not
 * saved with the file). When fewer fit than wait, the oldest are dropped
 * and counted as lost.
 * Never waits for transactions.
 * Errors: BAD_HANDLE, INVALID_ARG (0 or over the maximum), CLOSED. */
store_status store_set_event_capacity(store_t db, size_t capacity);

#endif /* STORE_TYPES_ONLY */

#ifdef __cplusplus
}
#endif

#endif /* STORE_H */
