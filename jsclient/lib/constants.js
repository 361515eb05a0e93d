// The numbers of include/store.h, by their C names. test/constants.test.js
// compiles a C program against the header and checks every `#define
// STORE_*` there against this table (and that none is missing), so the
// package cannot drift from the library it loads.
export const constants = Object.freeze({
  STORE_ABI_VERSION: 2,

  STORE_OK: 0,
  STORE_NOT_FOUND: 1,
  STORE_ERR_INVALID_ARG: -1,
  STORE_ERR_BAD_HANDLE: -2,
  STORE_ERR_CLOSED: -3,
  STORE_ERR_TX_READ_ONLY: -4,
  STORE_ERR_TX_CLOSED: -5,
  STORE_ERR_INDEX_EXISTS: -6,
  STORE_ERR_NO_INDEX: -7,
  STORE_ERR_WOULD_DEADLOCK: -8,
  STORE_ERR_IO: -9,
  STORE_ERR_CORRUPT: -10,
  STORE_ERR_BUSY: -11,
  STORE_ERR_INTERNAL: -12,
  STORE_ERR_LIMIT: -13,
  STORE_ERR_BUFFER_TOO_SMALL: -14,

  STORE_SYNC_NEVER: 0,
  STORE_SYNC_EVERY_SECOND: 1,
  STORE_SYNC_ALWAYS: 2,

  STORE_INDEX_STRING: 0,
  STORE_INDEX_BINARY: 1,
  STORE_INDEX_INT: 2,
  STORE_INDEX_UINT: 3,
  STORE_INDEX_FLOAT: 4,
  STORE_INDEX_JSON: 5,
  STORE_INDEX_JSON_CASE_SENSITIVE: 6,

  STORE_SCAN_DESC: 1,

  STORE_MAX_DIMS: 20,

  STORE_MISSING: 0xffffffff,
  STORE_HIT_HEADER: 16,

  STORE_DEFAULT_MAX_KEY_SIZE: 64 * 1024,
  STORE_DEFAULT_MAX_VALUE_SIZE: 64 * 1024 * 1024,
  STORE_DEFAULT_MAX_RESULT_SIZE: 1024 * 1024 * 1024,
  STORE_DEFAULT_MAX_BATCH_ITEMS: 16 * 1024 * 1024,

  STORE_TTL_NEVER: -1,
  STORE_TTL_MISSING: -2,

  // Query options, field updates and index listing (issue 14); the
  // package does not call those functions yet.
  STORE_QUERY_KEYS_ONLY: 2,
  STORE_QUERY_COUNT_ONLY: 4,
  STORE_SCAN_PREFIX: 8,
  STORE_WHERE_EQ: 0,
  STORE_WHERE_RANGE: 1,
  STORE_WHERE_STR_EQ: 2,
  STORE_WHERE_STR_RANGE: 3,
  STORE_WHERE_EXISTS: 4,
  STORE_FIELD_SET: 0,
  STORE_FIELD_INCR: 1,
  STORE_FIELD_DELETE: 2,
  STORE_INDEX_SPATIAL: 100,
  STORE_FENCE_BOX: 0,
  STORE_FENCE_RADIUS: 1,
  STORE_FENCE_ROAM: 2,
  STORE_EVENT_ENTER: 1,
  STORE_EVENT_EXIT: 2,
  STORE_EVENT_CAPACITY_DEFAULT: 65536,
  STORE_EVENT_CAPACITY_MAX: 16777216,
  STORE_EVENTS_HEADER: 12,
  STORE_EVENT_HEADER: 17,
});

// The C layouts the package builds or reads (checked by the same test).
export const layouts = Object.freeze({
  store_bytes: { size: 16, ptr: 0, len: 8 },
  store_kv: { size: 40, key: 0, key_len: 8, val: 16, val_len: 24, ttl_ms: 32 },
  store_options: {
    size: 56,
    sync_policy: 0,
    auto_shrink_percentage: 4,
    auto_shrink_min_size: 8,
    auto_shrink_disabled: 16,
    max_key_size: 24,
    max_value_size: 32,
    max_result_size: 40,
    max_batch_items: 48,
  },
});
