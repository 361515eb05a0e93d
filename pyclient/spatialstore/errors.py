"""StoreError and one subclass per status code of include/store.h."""

from __future__ import annotations

import ctypes
from typing import NoReturn

from . import _constants as K
from . import _lib


class StoreError(Exception):
    """A call into libstore failed.

    ``status`` is the status name (``"STORE_ERR_BAD_HANDLE"``), ``code`` its
    number, and the message is the library's (store_last_error) for the
    thread that made the call.
    """

    status: str
    code: int

    def __init__(self, status: str, code: int, message: str):
        super().__init__(f"{status}: {message}" if message else status)
        self.status = status
        self.code = code
        self.message = message


class NotFound(StoreError, KeyError):
    """STORE_NOT_FOUND where a miss is an error (ttl of a missing key)."""

    def __str__(self) -> str:  # KeyError quotes its argument; do not
        return Exception.__str__(self)


class InvalidArgument(StoreError, ValueError):
    """STORE_ERR_INVALID_ARG: a bad argument, geometry or option."""


class BadHandle(StoreError):
    """STORE_ERR_BAD_HANDLE: the store or transaction is closed or finished."""


class Closed(StoreError):
    """STORE_ERR_CLOSED: the database was closed during the call."""


class TxReadOnly(StoreError):
    """STORE_ERR_TX_READ_ONLY: a write through a read-only transaction."""


class TxClosed(StoreError):
    """STORE_ERR_TX_CLOSED: the transaction ended during the call."""


class IndexExists(StoreError):
    """STORE_ERR_INDEX_EXISTS: an index of that name has another definition."""


class NoIndex(StoreError):
    """STORE_ERR_NO_INDEX: no such index, or one of the wrong kind."""


class WouldDeadlock(StoreError):
    """STORE_ERR_WOULD_DEADLOCK: a database-level call on a thread holding
    one of its transactions; use the transaction."""


class StoreIOError(StoreError, OSError):
    """STORE_ERR_IO: the operating system refused a read or write."""

    def __str__(self) -> str:
        return Exception.__str__(self)


class Corrupt(StoreError):
    """STORE_ERR_CORRUPT: a file or snapshot that is not a valid store."""


class Busy(StoreError):
    """STORE_ERR_BUSY: file held by another store, or a transaction open at close."""


class Internal(StoreError):
    """STORE_ERR_INTERNAL: a bug in the library, caught before it reached you."""


class Limit(StoreError):
    """STORE_ERR_LIMIT: a key, value, batch or result over the store's limits
    (the max_* options of Store); nothing was changed."""


class BufferTooSmall(StoreError):
    """STORE_ERR_BUFFER_TOO_SMALL: a buffer given to the library could not hold the result."""


# status code -> class; a code missing here (a newer library) raises StoreError.
CLASSES: dict[int, type[StoreError]] = {
    K.STORE_NOT_FOUND: NotFound,
    K.STORE_ERR_INVALID_ARG: InvalidArgument,
    K.STORE_ERR_BAD_HANDLE: BadHandle,
    K.STORE_ERR_CLOSED: Closed,
    K.STORE_ERR_TX_READ_ONLY: TxReadOnly,
    K.STORE_ERR_TX_CLOSED: TxClosed,
    K.STORE_ERR_INDEX_EXISTS: IndexExists,
    K.STORE_ERR_NO_INDEX: NoIndex,
    K.STORE_ERR_WOULD_DEADLOCK: WouldDeadlock,
    K.STORE_ERR_IO: StoreIOError,
    K.STORE_ERR_CORRUPT: Corrupt,
    K.STORE_ERR_BUSY: Busy,
    K.STORE_ERR_INTERNAL: Internal,
    K.STORE_ERR_LIMIT: Limit,
    K.STORE_ERR_BUFFER_TOO_SMALL: BufferTooSmall,
}


def last_error() -> str:
    """The calling thread's last error message from the library."""
    lib = _lib.load()
    n = lib.store_last_error(None, 0)
    if n == 0:
        return ""
    buf = ctypes.create_string_buffer(n + 1)
    lib.store_last_error(buf, n + 1)
    return buf.value.decode("utf-8", "replace")


def raise_status(code: int) -> NoReturn:
    """Raises the exception for a failed call's status. Call it right after
    the failed call, on the same thread, so the message is that call's."""
    name = _lib.load().store_status_name(code).decode()
    message = last_error() if code < 0 else "not found"
    raise CLASSES.get(code, StoreError)(name, code, message)
