// The parts of the C API that need no Go: status names and the per-thread
// last error. Compiled against the full header, so its prototypes are
// checked here.
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

const char *store_status_name(store_status status) {
    switch (status) {
    case STORE_OK: return "STORE_OK";
    case STORE_NOT_FOUND: return "STORE_NOT_FOUND";
    case STORE_ERR_INVALID_ARG: return "STORE_ERR_INVALID_ARG";
    case STORE_ERR_BAD_HANDLE: return "STORE_ERR_BAD_HANDLE";
    case STORE_ERR_CLOSED: return "STORE_ERR_CLOSED";
    case STORE_ERR_TX_READ_ONLY: return "STORE_ERR_TX_READ_ONLY";
    case STORE_ERR_TX_CLOSED: return "STORE_ERR_TX_CLOSED";
    case STORE_ERR_INDEX_EXISTS: return "STORE_ERR_INDEX_EXISTS";
    case STORE_ERR_NO_INDEX: return "STORE_ERR_NO_INDEX";
    case STORE_ERR_WOULD_DEADLOCK: return "STORE_ERR_WOULD_DEADLOCK";
    case STORE_ERR_IO: return "STORE_ERR_IO";
    case STORE_ERR_CORRUPT: return "STORE_ERR_CORRUPT";
    case STORE_ERR_BUSY: return "STORE_ERR_BUSY";
    case STORE_ERR_INTERNAL: return "STORE_ERR_INTERNAL";
    case STORE_ERR_LIMIT: return "STORE_ERR_LIMIT";
    case STORE_ERR_BUFFER_TOO_SMALL: return "STORE_ERR_BUFFER_TOO_SMALL";
    }
    return "STORE_UNKNOWN_STATUS";
}

// Each thread's last message lives in thread-specific storage whose
// destructor frees it when the thread exits, so threads that come and go
// leave nothing behind.
struct message {
    size_t len;
    char text[];
};

static pthread_key_t message_key;
static pthread_once_t message_once = PTHREAD_ONCE_INIT;

static void make_message_key(void) { pthread_key_create(&message_key, free); }

// Called from Go on the failing call's own thread.
__attribute__((visibility("hidden"))) void store_capi_set_error(const char *text, size_t len) {
    pthread_once(&message_once, make_message_key);
    struct message *m = malloc(sizeof *m + len + 1);
    if (m == NULL) {
        return; // keep the older message rather than none
    }
    m->len = len;
    memcpy(m->text, text, len);
    m->text[len] = '\0';
    free(pthread_getspecific(message_key));
    pthread_setspecific(message_key, m);
}

size_t store_last_error(char *buf, size_t cap) {
    pthread_once(&message_once, make_message_key);
    const struct message *m = pthread_getspecific(message_key);
    size_t len = m ? m->len : 0;
    if (buf != NULL && cap > 0) {
        size_t n = len < cap - 1 ? len : cap - 1;
        if (n > 0) {
            memcpy(buf, m->text, n);
        }
        buf[n] = '\0';
    }
    return len;
}
