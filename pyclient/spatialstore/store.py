"""Store and Tx: the Pythonic API over the C functions of include/store.h."""

from __future__ import annotations

import ctypes
import math
import os
import threading
import warnings
import weakref
from collections.abc import Iterable, Mapping, Sequence
from enum import IntEnum
from types import TracebackType
from typing import Any, Callable, Optional, TypeVar, Union

from . import _constants as K
from . import _decode, _lib
from ._decode import Hit, Pair
from ._lib import KV, Bytes, Options, store_t
from .errors import BadHandle, InvalidArgument, NotFound, StoreError, raise_status

Key = Union[bytes, bytearray, memoryview, str]
"""Keys and values: bytes-like, or str (stored as UTF-8)."""
Coords = Sequence[float]
_K = TypeVar("_K", bound=Key)
_V = TypeVar("_V", bound=Key)


class IndexKind(IntEnum):
    """Kinds of ordered index (STORE_INDEX_*)."""

    STRING = K.STORE_INDEX_STRING
    BINARY = K.STORE_INDEX_BINARY
    INT = K.STORE_INDEX_INT
    UINT = K.STORE_INDEX_UINT
    FLOAT = K.STORE_INDEX_FLOAT
    JSON = K.STORE_INDEX_JSON
    JSON_CASE_SENSITIVE = K.STORE_INDEX_JSON_CASE_SENSITIVE


class Sync(IntEnum):
    """When a file store calls fsync (STORE_SYNC_*)."""

    NEVER = K.STORE_SYNC_NEVER
    EVERY_SECOND = K.STORE_SYNC_EVERY_SECOND
    ALWAYS = K.STORE_SYNC_ALWAYS


def _b(x: Key) -> bytes:
    if type(x) is bytes:
        return x
    if isinstance(x, str):
        return x.encode()
    if isinstance(x, (bytes, bytearray, memoryview)):
        return bytes(x)
    raise TypeError(f"keys and values are bytes-like or str, not {type(x).__name__}")


def _s(x: Optional[str]) -> Optional[bytes]:
    """A NUL-terminated string argument (None stays NULL)."""
    if x is None:
        return None
    b = x.encode() if isinstance(x, str) else _b(x)
    if b"\0" in b:
        raise _invalid(f"string argument {x!r} holds a NUL byte")
    return b


def _ttl_ms(ttl: Optional[float]) -> int:
    if ttl is None:
        return 0
    if not ttl > 0 or math.isinf(ttl):
        raise _invalid(f"ttl must be a positive number of seconds or None, not {ttl!r}")
    return max(1, math.ceil(ttl * 1000))


def _count(n: int, what: str) -> int:
    """A limit or k: a whole number >= 0 (ctypes would wrap -1 into a huge size_t)."""
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise _invalid(f"{what} must be a whole number >= 0, not {n!r}")
    return n


def _invalid(message: str) -> InvalidArgument:
    return InvalidArgument("STORE_ERR_INVALID_ARG", K.STORE_ERR_INVALID_ARG, message)


def _doubles(values: Iterable[float]) -> Any:
    v = list(values)
    return (ctypes.c_double * max(1, len(v)))(*v), len(v)


def _box(lo: Coords, hi: Coords) -> tuple[Any, Any, int]:
    a, n = _doubles(lo)
    b, m = _doubles(hi)
    if n != m:
        raise _invalid(f"min has {n} coordinates and max {m}")
    return a, b, n


def _kvs(items: Sequence[tuple[bytes, bytes, int]]) -> Any:
    arr = (KV * max(1, len(items)))()
    for i, (k, v, ttl) in enumerate(items):
        e = arr[i]
        e.key, e.key_len, e.val, e.val_len, e.ttl_ms = k, len(k), v, len(v), ttl
    return arr


# After a fork the child has one thread and the Go runtime's others are
# gone: a call into the library could hang. Every live Store and Tx, and
# the loader, switch to a stand-in that raises instead.
_live: "weakref.WeakSet[_Ops]" = weakref.WeakSet()
FORK_MESSAGE = (
    "this process was forked after libstore.so was loaded: the Go runtime does not survive fork, "
    "so the child cannot use the library. Use multiprocessing's 'spawn' start method "
    "(multiprocessing.set_start_method('spawn') or get_context('spawn'))."
)


class _Forked:
    def __getattr__(self, name: str) -> Callable[..., Any]:
        def refuse(*_: Any) -> Any:
            raise Forked("STORE_ERR_BAD_HANDLE", K.STORE_ERR_BAD_HANDLE, FORK_MESSAGE)

        return refuse


class Forked(BadHandle):
    """The process forked after loading the library; the child cannot use it."""


def _after_fork_in_child() -> None:
    forked = _Forked()
    _lib._lib = forked  # type: ignore[assignment]
    for obj in list(_live):
        obj._lib = forked  # type: ignore[assignment]
    warnings.warn("spatialstore: " + FORK_MESSAGE, RuntimeWarning, stacklevel=2)


_fork_hook_lock = threading.Lock()
_fork_hook = False


def _load() -> ctypes.CDLL:
    global _fork_hook
    lib = _lib.load()
    if not _fork_hook:
        with _fork_hook_lock:
            if not _fork_hook and hasattr(os, "register_at_fork"):
                os.register_at_fork(after_in_child=_after_fork_in_child)
            _fork_hook = True
    return lib


class _Ops:
    """The data calls, which take a database or a transaction alike."""

    _h: int
    _lib: ctypes.CDLL

    def _out(self, st: int, buf: Bytes) -> bytes:
        """The bytes of a result buffer, copied out and freed; or the error."""
        if st != K.STORE_OK:
            raise_status(st)
        try:
            return ctypes.string_at(buf.ptr, buf.len)
        finally:
            self._lib.store_bytes_free(ctypes.byref(buf))

    # ---- key-value ----

    def set(self, key: Key, value: Key, ttl: Optional[float] = None) -> None:
        """Stores value under key, replacing any old value; ttl in seconds
        makes it expire."""
        k, v = _b(key), _b(value)
        st = self._lib.store_set(self._h, k, len(k), v, len(v), _ttl_ms(ttl))
        if st != K.STORE_OK:
            raise_status(st)

    def get(self, key: Key) -> Optional[bytes]:
        """The value under key, or None when it is missing or expired."""
        k = _b(key)
        buf = Bytes()
        st = self._lib.store_get(self._h, k, len(k), ctypes.byref(buf))
        if st == K.STORE_NOT_FOUND:
            return None
        return self._out(st, buf)

    def delete(self, key: Key) -> bool:
        """Removes key; False when it was not there."""
        k = _b(key)
        st = self._lib.store_delete(self._h, k, len(k))
        if st == K.STORE_NOT_FOUND:
            return False
        if st != K.STORE_OK:
            raise_status(st)
        return True

    def ttl(self, key: Key) -> Optional[float]:
        """Seconds the key has left to live, or None when it never expires.
        Raises NotFound (a KeyError) for a missing key."""
        k = _b(key)
        ms = ctypes.c_int64()
        st = self._lib.store_ttl(self._h, k, len(k), ctypes.byref(ms))
        if st != K.STORE_OK:
            raise_status(st)
        return None if ms.value < 0 else ms.value / 1000

    def __contains__(self, key: Key) -> bool:
        return self.get(key) is not None

    def __len__(self) -> int:
        """The number of items, counting expired ones not yet swept."""
        n = ctypes.c_uint64()
        st = self._lib.store_len(self._h, ctypes.byref(n))
        if st != K.STORE_OK:
            raise_status(st)
        return n.value

    def __bool__(self) -> bool:  # a store is a store even when empty
        return True

    # ---- batches ----

    def set_many(
        self,
        items: Union[Mapping[_K, _V], Iterable[Union[tuple[Key, Key], tuple[Key, Key, Optional[float]]]]],
    ) -> None:
        """Writes every (key, value) or (key, value, ttl) in one transaction:
        all of them or none."""
        it = items.items() if isinstance(items, Mapping) else items
        rows = []
        for item in it:
            k, v, *rest = item
            rows.append((_b(k), _b(v), _ttl_ms(rest[0] if rest else None)))
        st = self._lib.store_set_many(self._h, _kvs(rows), len(rows))
        if st != K.STORE_OK:
            raise_status(st)

    def get_many(self, keys: Iterable[Key]) -> list[Optional[bytes]]:
        """The value of each key in order (None where missing), in one read."""
        rows = [(_b(k), b"", 0) for k in keys]
        buf = Bytes()
        st = self._lib.store_get_many(self._h, _kvs(rows), len(rows), ctypes.byref(buf))
        values: list[Optional[bytes]] = [h.value for h in _decode.one(self._out(st, buf))]
        return values

    def delete_many(self, keys: Iterable[Key]) -> int:
        """Removes the keys that are there, in one transaction; returns how many."""
        rows = [(_b(k), b"", 0) for k in keys]
        n = ctypes.c_uint64()
        st = self._lib.store_delete_many(self._h, _kvs(rows), len(rows), ctypes.byref(n))
        if st != K.STORE_OK:
            raise_status(st)
        return n.value

    # ---- queries ----

    def scan(
        self,
        index: str = "",
        lo: Optional[Key] = None,
        hi: Optional[Key] = None,
        *,
        desc: bool = False,
        limit: int = 0,
    ) -> list[Hit]:
        """Items of an ordered index (or, with index "", the keys) with
        lo <= value < hi in index order; None is an open end."""
        lob = None if lo is None else _b(lo)
        hib = None if hi is None else _b(hi)
        buf = Bytes()
        st = self._lib.store_scan(
            self._h, _s(index), lob, len(lob or b""), hib, len(hib or b""),
            K.STORE_SCAN_DESC if desc else 0, _count(limit, "limit"), ctypes.byref(buf),
        )
        return _decode.one(self._out(st, buf))

    def intersects(self, index: str, min: Coords, max: Coords, limit: int = 0) -> list[Hit]:
        """Items of a spatial index whose box touches the box min..max."""
        a, b, n = _box(min, max)
        buf = Bytes()
        st = self._lib.store_intersects(self._h, _s(index), a, b, n, _count(limit, "limit"), ctypes.byref(buf))
        return _decode.one(self._out(st, buf))

    def within(self, index: str, min: Coords, max: Coords, limit: int = 0) -> list[Hit]:
        """Items of a spatial index wholly inside the box min..max."""
        a, b, n = _box(min, max)
        buf = Bytes()
        st = self._lib.store_within(self._h, _s(index), a, b, n, _count(limit, "limit"), ctypes.byref(buf))
        return _decode.one(self._out(st, buf))

    def nearby(self, index: str, point: Coords, k: int = 0, max_dist: Optional[float] = None) -> list[Hit]:
        """Items nearest to point, nearest first, with their distance; at
        most k (0: no limit), none farther than max_dist (None: no bound)."""
        p, n = _doubles(point)
        buf = Bytes()
        st = self._lib.store_nearby(
            self._h, _s(index), p, n, _count(k, "k"), -1.0 if max_dist is None else max_dist, ctypes.byref(buf)
        )
        return _decode.one(self._out(st, buf))

    def _boxes_many(self, fn: Any, index: str, boxes: Sequence[tuple[Coords, Coords]], limit: int) -> list[list[Hit]]:
        boxes = list(boxes)
        dims = len(boxes[0][0]) if boxes else 1
        mins: list[float] = []
        maxs: list[float] = []
        for q, (lo, hi) in enumerate(boxes):
            if len(lo) != dims or len(hi) != dims:
                raise _invalid(f"box {q} has {len(lo)} and {len(hi)} coordinates; box 0 has {dims}")
            mins.extend(lo)
            maxs.extend(hi)
        a, _ = _doubles(mins)
        b, _ = _doubles(maxs)
        buf = Bytes()
        st = fn(self._h, _s(index), a, b, dims, len(boxes), _count(limit, "limit"), ctypes.byref(buf))
        return _decode.batch(self._out(st, buf))

    def intersects_many(self, index: str, boxes: Sequence[tuple[Coords, Coords]], limit: int = 0) -> list[list[Hit]]:
        """intersects for each (min, max) box, in one read: one hit list per box."""
        return self._boxes_many(self._lib.store_intersects_many, index, boxes, limit)

    def within_many(self, index: str, boxes: Sequence[tuple[Coords, Coords]], limit: int = 0) -> list[list[Hit]]:
        """within for each (min, max) box, in one read: one hit list per box."""
        return self._boxes_many(self._lib.store_within_many, index, boxes, limit)

    def nearby_many(
        self, index: str, points: Sequence[Coords], k: int = 0, max_dist: Optional[float] = None
    ) -> list[list[Hit]]:
        """nearby for each point, in one read: one hit list per point."""
        points = list(points)
        dims = len(points[0]) if points else 1
        flat: list[float] = []
        for q, p in enumerate(points):
            if len(p) != dims:
                raise _invalid(f"point {q} has {len(p)} coordinates; point 0 has {dims}")
            flat.extend(p)
        a, _ = _doubles(flat)
        buf = Bytes()
        st = self._lib.store_nearby_many(
            self._h, _s(index), a, dims, len(points), _count(k, "k"), -1.0 if max_dist is None else max_dist,
            ctypes.byref(buf),
        )
        return _decode.batch(self._out(st, buf))

    def pairs(self, index: str, max_dist: float, pattern: Optional[str] = None) -> list[Pair]:
        """Every pair of items at most max_dist apart, once each; with a
        pattern, only pairs where a key matches it (that key as a)."""
        buf = Bytes()
        st = self._lib.store_pairs(self._h, _s(index), max_dist, _s(pattern), ctypes.byref(buf))
        return _decode.pairs(self._out(st, buf))


def _close_handle(lib: ctypes.CDLL, h: int) -> None:
    lib.store_close(h)


def _rollback_handle(lib: ctypes.CDLL, h: int) -> None:
    lib.store_rollback(h)


class Store(_Ops):
    """An open database: ``":memory:"`` or a file path.

    Use it as a context manager, or call close(); a store that is garbage
    collected (or still open at exit) is closed then. Thread-safe: one
    Store may be shared by threads.
    """

    def __init__(
        self,
        path: Union[str, "os.PathLike[str]"] = ":memory:",
        *,
        sync: Optional[Sync] = None,
        auto_shrink_percentage: Optional[int] = None,
        auto_shrink_min_size: Optional[int] = None,
        auto_shrink_disabled: Optional[bool] = None,
    ):
        self._lib = lib = _load()
        self._h = 0
        opts = Options()
        lib.store_options_default(ctypes.byref(opts))
        if sync is not None:
            opts.sync_policy = int(sync)
        if auto_shrink_percentage is not None:
            opts.auto_shrink_percentage = auto_shrink_percentage
        if auto_shrink_min_size is not None:
            opts.auto_shrink_min_size = auto_shrink_min_size
        if auto_shrink_disabled is not None:
            opts.auto_shrink_disabled = 1 if auto_shrink_disabled else 0
        h = store_t()
        st = lib.store_open(_s(os.fspath(path)), ctypes.byref(opts), ctypes.byref(h))
        if st != K.STORE_OK:
            raise_status(st)
        self._h = h.value
        self.path = os.fspath(path)
        self._finalizer = weakref.finalize(self, _close_handle, lib, self._h)
        _live.add(self)

    def close(self) -> None:
        """Flushes and closes the store. Closing twice raises BadHandle; a
        store with an open transaction raises Busy and stays open."""
        st = self._lib.store_close(self._h)
        if st == K.STORE_OK or st == K.STORE_ERR_IO:
            self._finalizer.detach()
        if st != K.STORE_OK:
            raise_status(st)

    @property
    def closed(self) -> bool:
        return not self._finalizer.alive

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, et: Optional[type[BaseException]], e: Optional[BaseException], tb: Optional[TracebackType]) -> None:
        if self._finalizer.alive:
            self.close()

    def __repr__(self) -> str:
        return f"Store({self.path!r}{', closed' if self.closed else ''})"

    # ---- transactions ----

    def begin(self, write: bool = True) -> "Tx":
        """Begins a transaction; end it with commit() or rollback(), or use
        it in a with block (commits on success, rolls back on an exception).
        While it is open, this thread must use the Tx, not the Store."""
        h = store_t()
        st = self._lib.store_begin(self._h, 1 if write else 0, ctypes.byref(h))
        if st != K.STORE_OK:
            raise_status(st)
        return Tx(self, h.value, write)

    def transaction(self, write: bool = True) -> "Tx":
        """Same as begin(); reads well as ``with db.transaction() as tx:``."""
        return self.begin(write)

    # ---- indexes ----

    def create_index(self, name: str, pattern: str, kind: IndexKind = IndexKind.STRING, json_path: Optional[str] = None) -> None:
        """An ordered index over the values of keys matching pattern."""
        st = self._lib.store_create_index(self._h, _s(name), _s(pattern), int(kind), _s(json_path))
        if st != K.STORE_OK:
            raise_status(st)

    def create_spatial_index(self, name: str, pattern: str, json_path: Optional[str] = None) -> None:
        """An R-tree over the geometry of the values of keys matching pattern
        (at json_path, or the whole value as rect text)."""
        st = self._lib.store_create_spatial_index(self._h, _s(name), _s(pattern), _s(json_path))
        if st != K.STORE_OK:
            raise_status(st)

    def drop_index(self, name: str) -> None:
        """Removes an index; its items stay."""
        st = self._lib.store_drop_index(self._h, _s(name))
        if st != K.STORE_OK:
            raise_status(st)

    # ---- maintenance ----

    def shrink(self) -> None:
        """Rewrites the file with only the live items."""
        st = self._lib.store_shrink(self._h)
        if st != K.STORE_OK:
            raise_status(st)

    def save(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """Writes a snapshot of every live item to path, atomically."""
        st = self._lib.store_save(self._h, _s(os.fspath(path)))
        if st != K.STORE_OK:
            raise_status(st)

    def load(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """Adds every item of a snapshot, in one transaction."""
        st = self._lib.store_load(self._h, _s(os.fspath(path)))
        if st != K.STORE_OK:
            raise_status(st)


class Tx(_Ops):
    """An open transaction: the data calls of Store, inside it. A Tx that
    is garbage collected while open is rolled back."""

    def __init__(self, db: Store, h: int, write: bool):
        self._lib = db._lib
        self._h = h
        self.db = db
        self.writable = write
        self._finalizer = weakref.finalize(self, _rollback_handle, db._lib, h)
        _live.add(self)

    @property
    def done(self) -> bool:
        return not self._finalizer.alive

    def commit(self) -> None:
        """Commits and ends the transaction (on an IO error it was rolled back)."""
        st = self._lib.store_commit(self._h)
        if st != K.STORE_ERR_BAD_HANDLE:
            self._finalizer.detach()
        if st != K.STORE_OK:
            raise_status(st)

    def rollback(self) -> None:
        """Rolls back and ends the transaction."""
        st = self._lib.store_rollback(self._h)
        self._finalizer.detach()
        if st != K.STORE_OK:
            raise_status(st)

    def __enter__(self) -> "Tx":
        return self

    def __exit__(self, et: Optional[type[BaseException]], e: Optional[BaseException], tb: Optional[TracebackType]) -> None:
        if not self._finalizer.alive:
            return  # committed or rolled back inside the block
        if et is None:
            self.commit()
        else:
            self.rollback()

    def __repr__(self) -> str:
        state = "done" if self.done else "open"
        return f"Tx({'write' if self.writable else 'read'}, {state})"


__all__ = [
    "Coords", "Forked", "Hit", "IndexKind", "Key", "NotFound", "Pair", "Store", "StoreError", "Sync", "Tx",
]
