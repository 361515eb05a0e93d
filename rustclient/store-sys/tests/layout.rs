//! Checks the Rust declarations against the C header itself.
//!
//! The test writes a small C program that includes `include/store.h` and
//! prints `sizeof`/`offsetof` of every struct field and the value of every
//! constant, compiles it with the system C compiler (`$CC`, else `cc`) and
//! compares each line with what `size_of`/`offset_of!` say on the Rust side.
//! This needs no build-dependency and checks the header as shipped, on the
//! target this test runs on.

use std::mem::{align_of, offset_of, size_of};
use std::path::PathBuf;
use std::process::Command;

use store_sys::*;

const PROGRAM: &str = r#"
#include <stdio.h>
#include <stddef.h>
#include "store.h"
#define S(t) printf("size %s %zu\n", #t, sizeof(t)); printf("align %s %zu\n", #t, _Alignof(t));
#define O(t, f) printf("offset %s.%s %zu\n", #t, #f, offsetof(t, f));
#define C(c) printf("const %s %lld\n", #c, (long long)(c));
int main(void) {
    S(store_options) O(store_options, sync_policy) O(store_options, auto_shrink_percentage)
    O(store_options, auto_shrink_min_size) O(store_options, auto_shrink_disabled)
    O(store_options, max_key_size) O(store_options, max_value_size) O(store_options, max_result_size)
    O(store_options, max_batch_items)
    S(store_bytes) O(store_bytes, ptr) O(store_bytes, len)
    S(store_kv) O(store_kv, key) O(store_kv, key_len) O(store_kv, val) O(store_kv, val_len) O(store_kv, ttl_ms)
    S(store_t) S(store_status)
    C(STORE_ABI_VERSION) C(STORE_OK) C(STORE_NOT_FOUND) C(STORE_ERR_INVALID_ARG) C(STORE_ERR_BAD_HANDLE)
    C(STORE_ERR_CLOSED) C(STORE_ERR_TX_READ_ONLY) C(STORE_ERR_TX_CLOSED) C(STORE_ERR_INDEX_EXISTS)
    C(STORE_ERR_NO_INDEX) C(STORE_ERR_WOULD_DEADLOCK) C(STORE_ERR_IO) C(STORE_ERR_CORRUPT)
    C(STORE_ERR_BUSY) C(STORE_ERR_INTERNAL) C(STORE_ERR_BUFFER_TOO_SMALL) C(STORE_SYNC_NEVER) C(STORE_SYNC_EVERY_SECOND)
    C(STORE_SYNC_ALWAYS) C(STORE_INDEX_STRING) C(STORE_INDEX_BINARY) C(STORE_INDEX_INT)
    C(STORE_INDEX_UINT) C(STORE_INDEX_FLOAT) C(STORE_INDEX_JSON) C(STORE_INDEX_JSON_CASE_SENSITIVE)
    C(STORE_SCAN_DESC) C(STORE_MAX_DIMS) C(STORE_MISSING) C(STORE_HIT_HEADER)
    C(STORE_ERR_LIMIT) C(STORE_DEFAULT_MAX_KEY_SIZE) C(STORE_DEFAULT_MAX_VALUE_SIZE)
    C(STORE_DEFAULT_MAX_RESULT_SIZE) C(STORE_DEFAULT_MAX_BATCH_ITEMS)
    C(STORE_TTL_NEVER) C(STORE_TTL_MISSING)
    S(store_where) O(store_where, path) O(store_where, op) O(store_where, min) O(store_where, max)
    O(store_where, str) O(store_where, str_len) O(store_where, str_max) O(store_where, str_max_len)
    S(store_query_opts) O(store_query_opts, flags) O(store_query_opts, match) O(store_query_opts, where)
    O(store_query_opts, where_len)
    S(store_field_update) O(store_field_update, key) O(store_field_update, key_len) O(store_field_update, path)
    O(store_field_update, op) O(store_field_update, val) O(store_field_update, val_len) O(store_field_update, delta)
    C(STORE_QUERY_KEYS_ONLY) C(STORE_QUERY_COUNT_ONLY) C(STORE_SCAN_PREFIX) C(STORE_WHERE_EQ) C(STORE_WHERE_RANGE)
    C(STORE_WHERE_STR_EQ) C(STORE_WHERE_STR_RANGE) C(STORE_WHERE_EXISTS) C(STORE_FIELD_SET) C(STORE_FIELD_INCR)
    C(STORE_FIELD_DELETE) C(STORE_INDEX_SPATIAL)
    C(STORE_FENCE_BOX) C(STORE_FENCE_RADIUS) C(STORE_FENCE_ROAM) C(STORE_EVENT_ENTER) C(STORE_EVENT_EXIT)
    C(STORE_EVENT_CAPACITY_DEFAULT) C(STORE_EVENT_CAPACITY_MAX) C(STORE_EVENTS_HEADER) C(STORE_EVENT_HEADER)
    return 0;
}
"#;

fn c_facts() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("store-sys-layout");
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("layout.c");
    let exe = dir.join("layout");
    std::fs::write(&src, PROGRAM).unwrap();
    let include = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../include");
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let out = Command::new(&cc)
        .arg("-std=c11")
        .arg("-Wall")
        .arg("-Werror")
        .arg("-I")
        .arg(&include)
        .arg(&src)
        .arg("-o")
        .arg(&exe)
        .output()
        .unwrap_or_else(|e| panic!("running the C compiler {cc:?}: {e}"));
    assert!(out.status.success(), "compiling layout.c failed:\n{}", String::from_utf8_lossy(&out.stderr));
    let run = Command::new(&exe).output().unwrap();
    assert!(run.status.success());
    String::from_utf8(run.stdout).unwrap().lines().map(str::to_owned).collect()
}

macro_rules! facts {
    ($($line:expr),* $(,)?) => { vec![$($line.to_string()),*] };
}

#[test]
fn layouts_and_constants_match_store_h() {
    let rust = facts![
        format!("size store_options {}", size_of::<store_options>()),
        format!("align store_options {}", align_of::<store_options>()),
        format!("offset store_options.sync_policy {}", offset_of!(store_options, sync_policy)),
        format!("offset store_options.auto_shrink_percentage {}", offset_of!(store_options, auto_shrink_percentage)),
        format!("offset store_options.auto_shrink_min_size {}", offset_of!(store_options, auto_shrink_min_size)),
        format!("offset store_options.auto_shrink_disabled {}", offset_of!(store_options, auto_shrink_disabled)),
        format!("offset store_options.max_key_size {}", offset_of!(store_options, max_key_size)),
        format!("offset store_options.max_value_size {}", offset_of!(store_options, max_value_size)),
        format!("offset store_options.max_result_size {}", offset_of!(store_options, max_result_size)),
        format!("offset store_options.max_batch_items {}", offset_of!(store_options, max_batch_items)),
        format!("size store_bytes {}", size_of::<store_bytes>()),
        format!("align store_bytes {}", align_of::<store_bytes>()),
        format!("offset store_bytes.ptr {}", offset_of!(store_bytes, ptr)),
        format!("offset store_bytes.len {}", offset_of!(store_bytes, len)),
        format!("size store_kv {}", size_of::<store_kv>()),
        format!("align store_kv {}", align_of::<store_kv>()),
        format!("offset store_kv.key {}", offset_of!(store_kv, key)),
        format!("offset store_kv.key_len {}", offset_of!(store_kv, key_len)),
        format!("offset store_kv.val {}", offset_of!(store_kv, val)),
        format!("offset store_kv.val_len {}", offset_of!(store_kv, val_len)),
        format!("offset store_kv.ttl_ms {}", offset_of!(store_kv, ttl_ms)),
        format!("size store_t {}", size_of::<store_t>()),
        format!("align store_t {}", align_of::<store_t>()),
        format!("size store_status {}", size_of::<store_status>()),
        format!("align store_status {}", align_of::<store_status>()),
        format!("const STORE_ABI_VERSION {}", STORE_ABI_VERSION),
        format!("const STORE_OK {}", STORE_OK),
        format!("const STORE_NOT_FOUND {}", STORE_NOT_FOUND),
        format!("const STORE_ERR_INVALID_ARG {}", STORE_ERR_INVALID_ARG),
        format!("const STORE_ERR_BAD_HANDLE {}", STORE_ERR_BAD_HANDLE),
        format!("const STORE_ERR_CLOSED {}", STORE_ERR_CLOSED),
        format!("const STORE_ERR_TX_READ_ONLY {}", STORE_ERR_TX_READ_ONLY),
        format!("const STORE_ERR_TX_CLOSED {}", STORE_ERR_TX_CLOSED),
        format!("const STORE_ERR_INDEX_EXISTS {}", STORE_ERR_INDEX_EXISTS),
        format!("const STORE_ERR_NO_INDEX {}", STORE_ERR_NO_INDEX),
        format!("const STORE_ERR_WOULD_DEADLOCK {}", STORE_ERR_WOULD_DEADLOCK),
        format!("const STORE_ERR_IO {}", STORE_ERR_IO),
        format!("const STORE_ERR_CORRUPT {}", STORE_ERR_CORRUPT),
        format!("const STORE_ERR_BUSY {}", STORE_ERR_BUSY),
        format!("const STORE_ERR_INTERNAL {}", STORE_ERR_INTERNAL),
        format!("const STORE_ERR_BUFFER_TOO_SMALL {}", STORE_ERR_BUFFER_TOO_SMALL),
        format!("const STORE_SYNC_NEVER {}", STORE_SYNC_NEVER),
        format!("const STORE_SYNC_EVERY_SECOND {}", STORE_SYNC_EVERY_SECOND),
        format!("const STORE_SYNC_ALWAYS {}", STORE_SYNC_ALWAYS),
        format!("const STORE_INDEX_STRING {}", STORE_INDEX_STRING),
        format!("const STORE_INDEX_BINARY {}", STORE_INDEX_BINARY),
        format!("const STORE_INDEX_INT {}", STORE_INDEX_INT),
        format!("const STORE_INDEX_UINT {}", STORE_INDEX_UINT),
        format!("const STORE_INDEX_FLOAT {}", STORE_INDEX_FLOAT),
        format!("const STORE_INDEX_JSON {}", STORE_INDEX_JSON),
        format!("const STORE_INDEX_JSON_CASE_SENSITIVE {}", STORE_INDEX_JSON_CASE_SENSITIVE),
        format!("const STORE_SCAN_DESC {}", STORE_SCAN_DESC),
        format!("const STORE_MAX_DIMS {}", STORE_MAX_DIMS),
        format!("const STORE_MISSING {}", STORE_MISSING),
        format!("const STORE_HIT_HEADER {}", STORE_HIT_HEADER),
        format!("const STORE_ERR_LIMIT {}", STORE_ERR_LIMIT),
        format!("const STORE_DEFAULT_MAX_KEY_SIZE {}", STORE_DEFAULT_MAX_KEY_SIZE),
        format!("const STORE_DEFAULT_MAX_VALUE_SIZE {}", STORE_DEFAULT_MAX_VALUE_SIZE),
        format!("const STORE_DEFAULT_MAX_RESULT_SIZE {}", STORE_DEFAULT_MAX_RESULT_SIZE),
        format!("const STORE_DEFAULT_MAX_BATCH_ITEMS {}", STORE_DEFAULT_MAX_BATCH_ITEMS),
        format!("const STORE_TTL_NEVER {}", STORE_TTL_NEVER),
        format!("const STORE_TTL_MISSING {}", STORE_TTL_MISSING),
        format!("size store_where {}", size_of::<store_where>()),
        format!("align store_where {}", align_of::<store_where>()),
        format!("offset store_where.path {}", offset_of!(store_where, path)),
        format!("offset store_where.op {}", offset_of!(store_where, op)),
        format!("offset store_where.min {}", offset_of!(store_where, min)),
        format!("offset store_where.max {}", offset_of!(store_where, max)),
        format!("offset store_where.str {}", offset_of!(store_where, str)),
        format!("offset store_where.str_len {}", offset_of!(store_where, str_len)),
        format!("offset store_where.str_max {}", offset_of!(store_where, str_max)),
        format!("offset store_where.str_max_len {}", offset_of!(store_where, str_max_len)),
        format!("size store_query_opts {}", size_of::<store_query_opts>()),
        format!("align store_query_opts {}", align_of::<store_query_opts>()),
        format!("offset store_query_opts.flags {}", offset_of!(store_query_opts, flags)),
        format!("offset store_query_opts.match {}", offset_of!(store_query_opts, match_)),
        format!("offset store_query_opts.where {}", offset_of!(store_query_opts, where_)),
        format!("offset store_query_opts.where_len {}", offset_of!(store_query_opts, where_len)),
        format!("size store_field_update {}", size_of::<store_field_update>()),
        format!("align store_field_update {}", align_of::<store_field_update>()),
        format!("offset store_field_update.key {}", offset_of!(store_field_update, key)),
        format!("offset store_field_update.key_len {}", offset_of!(store_field_update, key_len)),
        format!("offset store_field_update.path {}", offset_of!(store_field_update, path)),
        format!("offset store_field_update.op {}", offset_of!(store_field_update, op)),
        format!("offset store_field_update.val {}", offset_of!(store_field_update, val)),
        format!("offset store_field_update.val_len {}", offset_of!(store_field_update, val_len)),
        format!("offset store_field_update.delta {}", offset_of!(store_field_update, delta)),
        format!("const STORE_QUERY_KEYS_ONLY {}", STORE_QUERY_KEYS_ONLY),
        format!("const STORE_QUERY_COUNT_ONLY {}", STORE_QUERY_COUNT_ONLY),
        format!("const STORE_SCAN_PREFIX {}", STORE_SCAN_PREFIX),
        format!("const STORE_WHERE_EQ {}", STORE_WHERE_EQ),
        format!("const STORE_WHERE_RANGE {}", STORE_WHERE_RANGE),
        format!("const STORE_WHERE_STR_EQ {}", STORE_WHERE_STR_EQ),
        format!("const STORE_WHERE_STR_RANGE {}", STORE_WHERE_STR_RANGE),
        format!("const STORE_WHERE_EXISTS {}", STORE_WHERE_EXISTS),
        format!("const STORE_FIELD_SET {}", STORE_FIELD_SET),
        format!("const STORE_FIELD_INCR {}", STORE_FIELD_INCR),
        format!("const STORE_FIELD_DELETE {}", STORE_FIELD_DELETE),
        format!("const STORE_INDEX_SPATIAL {}", STORE_INDEX_SPATIAL),
        format!("const STORE_FENCE_BOX {}", STORE_FENCE_BOX),
        format!("const STORE_FENCE_RADIUS {}", STORE_FENCE_RADIUS),
        format!("const STORE_FENCE_ROAM {}", STORE_FENCE_ROAM),
        format!("const STORE_EVENT_ENTER {}", STORE_EVENT_ENTER),
        format!("const STORE_EVENT_EXIT {}", STORE_EVENT_EXIT),
        format!("const STORE_EVENT_CAPACITY_DEFAULT {}", STORE_EVENT_CAPACITY_DEFAULT),
        format!("const STORE_EVENT_CAPACITY_MAX {}", STORE_EVENT_CAPACITY_MAX),
        format!("const STORE_EVENTS_HEADER {}", STORE_EVENTS_HEADER),
        format!("const STORE_EVENT_HEADER {}", STORE_EVENT_HEADER),
    ];
    let c = c_facts();
    assert_eq!(rust, c, "Rust declarations and store.h disagree");
}
