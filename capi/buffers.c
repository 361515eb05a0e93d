// Buffers handed to the caller. Every one is malloc'd and recorded in a set
// of live pointers, so store_bytes_free frees only what the library returned
// (a stray or repeated pointer is ignored, never a double free) and leak
// tests can count what is outstanding. It lives in C so that freeing costs
// no call into Go.
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "store.h"

// An open-addressing hash set of pointers with linear probing; deletion
// shifts later entries back, so there are no tombstones.
static pthread_mutex_t live_mu = PTHREAD_MUTEX_INITIALIZER;
static uintptr_t *live;   // 0 marks an empty slot
static size_t live_cap;   // a power of two, or 0 before the first insert
static size_t live_count;

static size_t slot_of(uintptr_t p) {
    // malloc aligns to 16 bytes: drop those bits, then mix (Fibonacci hashing).
    return (size_t)(((uint64_t)(p >> 4) * 0x9E3779B97F4A7C15ull) >> 32) & (live_cap - 1);
}

static int live_grow(void) {
    size_t old_cap = live_cap, cap = old_cap ? old_cap * 2 : 1024;
    uintptr_t *old = live, *table = calloc(cap, sizeof *table);
    if (table == NULL) {
        return 0;
    }
    live = table;
    live_cap = cap;
    for (size_t i = 0; i < old_cap; i++) {
        if (old[i] != 0) {
            size_t j = slot_of(old[i]);
            while (live[j] != 0) j = (j + 1) & (cap - 1);
            live[j] = old[i];
        }
    }
    free(old);
    return 1;
}

// Allocates a buffer of n bytes (at least 1, so it is never NULL) and
// records it. Returns NULL when out of memory.
__attribute__((visibility("hidden"))) uint8_t *store_capi_alloc(size_t n) {
    uint8_t *p = malloc(n > 0 ? n : 1);
    if (p == NULL) {
        return NULL;
    }
    pthread_mutex_lock(&live_mu);
    if ((live_count + 1) * 2 > live_cap && !live_grow()) {
        pthread_mutex_unlock(&live_mu);
        free(p);
        return NULL;
    }
    size_t i = slot_of((uintptr_t)p);
    while (live[i] != 0) i = (i + 1) & (live_cap - 1);
    live[i] = (uintptr_t)p;
    live_count++;
    pthread_mutex_unlock(&live_mu);
    return p;
}

// Removes p from the set; reports whether it was there.
static int live_remove(uintptr_t p) {
    if (live_cap == 0) {
        return 0;
    }
    size_t i = slot_of(p);
    while (live[i] != p) {
        if (live[i] == 0) {
            return 0;
        }
        i = (i + 1) & (live_cap - 1);
    }
    // Shift back every later entry of the same run that would no longer
    // be found past the hole.
    size_t hole = i;
    for (size_t j = (i + 1) & (live_cap - 1); live[j] != 0; j = (j + 1) & (live_cap - 1)) {
        size_t home = slot_of(live[j]);
        // Move live[j] into the hole unless its home lies cyclically in (hole, j].
        int stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
        if (!stays) {
            live[hole] = live[j];
            hole = j;
        }
    }
    live[hole] = 0;
    live_count--;
    return 1;
}

void store_bytes_free(store_bytes *b) {
    if (b == NULL || b->ptr == NULL) {
        return;
    }
    pthread_mutex_lock(&live_mu);
    int ours = live_remove((uintptr_t)b->ptr);
    pthread_mutex_unlock(&live_mu);
    if (ours) {
        free(b->ptr);
    }
    b->ptr = NULL;
    b->len = 0;
}

uint64_t store_outstanding_buffers(void) {
    pthread_mutex_lock(&live_mu);
    uint64_t n = live_count;
    pthread_mutex_unlock(&live_mu);
    return n;
}
