/* A plain C program against include/store.h: open, set/get, a spatial
 * query, errors through store_last_error, every buffer freed. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "store.h"

/* Prints a failed call's status and message and returns 1. */
static int fail(const char *what, store_status st) {
    char msg[512];
    store_last_error(msg, sizeof msg);
    fprintf(stderr, "%s: %s: %s\n", what, store_status_name(st), msg);
    return 1;
}

#define S(text) (const uint8_t *)(text), strlen(text)

int main(void) {
    if (store_abi_version() != STORE_ABI_VERSION) {
        fprintf(stderr, "libstore ABI %u, header %u\n", store_abi_version(), STORE_ABI_VERSION);
        return 1;
    }
    store_t db;
    store_status st = store_open(":memory:", NULL, &db);
    if (st != STORE_OK) return fail("open", st);

    st = store_create_spatial_index(db, "pos", "player:*", "pos");
    if (st != STORE_OK) return fail("create_spatial_index", st);
    st = store_set(db, S("player:ann"), S("{\"pos\":[0,0,0]}"), 0);
    if (st == STORE_OK) st = store_set(db, S("player:bob"), S("{\"pos\":[3,4,0]}"), 0);
    if (st != STORE_OK) return fail("set", st);

    store_bytes val = {0};
    st = store_get(db, S("player:bob"), &val);
    if (st != STORE_OK) return fail("get", st);
    printf("bob: %.*s\n", (int)val.len, (const char *)val.ptr);
    store_bytes_free(&val);

    /* The nearest players to the origin: one buffer for all hits. */
    double origin[3] = {0, 0, 0};
    store_bytes hits = {0};
    st = store_nearby(db, "pos", origin, 3, 10, -1, &hits);
    if (st != STORE_OK) return fail("nearby", st);
    uint32_t count;
    memcpy(&count, hits.ptr, 4);
    size_t off = 4;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t klen, vlen;
        double dist;
        memcpy(&klen, hits.ptr + off, 4);
        memcpy(&vlen, hits.ptr + off + 4, 4);
        memcpy(&dist, hits.ptr + off + 8, 8);
        off += STORE_HIT_HEADER;
        printf("near %.*s at %.1f\n", (int)klen, (const char *)hits.ptr + off, dist);
        off += klen + vlen;
    }
    store_bytes_free(&hits);

    /* A write whose geometry cannot be read is refused and changes nothing. */
    st = store_set(db, S("player:dan"), S("{\"pos\":\"nowhere\"}"), 0);
    char msg[256];
    store_last_error(msg, sizeof msg);
    printf("refused: %s: %s\n", store_status_name(st), msg);

    st = store_close(db);
    if (st != STORE_OK) return fail("close", st);
    printf("outstanding buffers: %llu\n", (unsigned long long)store_outstanding_buffers());
    return 0;
}
