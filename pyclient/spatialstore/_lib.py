"""Finding, loading and declaring libstore.so.

The library carries a Go runtime: it is loaded once per process and never
unloaded (ctypes never calls dlclose). Every C function the package calls is
declared in PROTOTYPES; adding a call to the C API means adding its line
there and a method that uses it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading
from pathlib import Path
from typing import Optional

from . import _constants as K

store_t = ctypes.c_uint64
status_t = ctypes.c_int32


class Bytes(ctypes.Structure):
    """store_bytes: a buffer the library owns until store_bytes_free."""

    _fields_ = [("ptr", ctypes.c_void_p), ("len", ctypes.c_size_t)]


class Options(ctypes.Structure):
    """store_options."""

    _fields_ = [
        ("sync_policy", ctypes.c_int32),
        ("auto_shrink_percentage", ctypes.c_int32),
        ("auto_shrink_min_size", ctypes.c_int64),
        ("auto_shrink_disabled", ctypes.c_int32),
    ]


class KV(ctypes.Structure):
    """store_kv. The key and value fields point into bytes objects that the
    caller keeps alive for the duration of the call."""

    _fields_ = [
        ("key", ctypes.c_char_p),
        ("key_len", ctypes.c_size_t),
        ("val", ctypes.c_char_p),
        ("val_len", ctypes.c_size_t),
        ("ttl_ms", ctypes.c_int64),
    ]


_p = ctypes.POINTER
_u8p = ctypes.c_char_p  # const uint8_t *: bytes passed with their length
_str = ctypes.c_char_p  # const char *: NUL-terminated UTF-8
_dblp = _p(ctypes.c_double)
_size = ctypes.c_size_t
_bytesp = _p(Bytes)

# name: (result type, argument types), in the order of include/store.h.
PROTOTYPES = {
    "store_abi_version": (ctypes.c_uint32, []),
    "store_status_name": (ctypes.c_char_p, [status_t]),
    "store_last_error": (_size, [ctypes.c_char_p, _size]),
    "store_bytes_free": (None, [_bytesp]),
    "store_outstanding_buffers": (ctypes.c_uint64, []),
    "store_options_default": (None, [_p(Options)]),
    "store_open": (status_t, [_str, _p(Options), _p(store_t)]),
    "store_close": (status_t, [store_t]),
    "store_set": (status_t, [store_t, _u8p, _size, _u8p, _size, ctypes.c_int64]),
    "store_get": (status_t, [store_t, _u8p, _size, _bytesp]),
    "store_delete": (status_t, [store_t, _u8p, _size]),
    "store_ttl": (status_t, [store_t, _u8p, _size, _p(ctypes.c_int64)]),
    "store_set_many": (status_t, [store_t, _p(KV), _size]),
    "store_delete_many": (status_t, [store_t, _p(KV), _size, _p(ctypes.c_uint64)]),
    "store_get_many": (status_t, [store_t, _p(KV), _size, _bytesp]),
    "store_begin": (status_t, [store_t, ctypes.c_int, _p(store_t)]),
    "store_commit": (status_t, [store_t]),
    "store_rollback": (status_t, [store_t]),
    "store_create_index": (status_t, [store_t, _str, _str, ctypes.c_int32, _str]),
    "store_create_spatial_index": (status_t, [store_t, _str, _str, _str]),
    "store_drop_index": (status_t, [store_t, _str]),
    "store_scan": (status_t, [store_t, _str, _u8p, _size, _u8p, _size, ctypes.c_int32, _size, _bytesp]),
    "store_intersects": (status_t, [store_t, _str, _dblp, _dblp, _size, _size, _bytesp]),
    "store_within": (status_t, [store_t, _str, _dblp, _dblp, _size, _size, _bytesp]),
    "store_nearby": (status_t, [store_t, _str, _dblp, _size, _size, ctypes.c_double, _bytesp]),
    "store_len": (status_t, [store_t, _p(ctypes.c_uint64)]),
    "store_intersects_many": (status_t, [store_t, _str, _dblp, _dblp, _size, _size, _size, _bytesp]),
    "store_within_many": (status_t, [store_t, _str, _dblp, _dblp, _size, _size, _size, _bytesp]),
    "store_nearby_many": (status_t, [store_t, _str, _dblp, _size, _size, _size, ctypes.c_double, _bytesp]),
    "store_pairs": (status_t, [store_t, _str, ctypes.c_double, _str, _bytesp]),
    "store_shrink": (status_t, [store_t]),
    "store_save": (status_t, [store_t, _str]),
    "store_load": (status_t, [store_t, _str]),
}

_lib: Optional[ctypes.CDLL] = None
_lib_path: Optional[str] = None
_lock = threading.Lock()


def candidates() -> list[str]:
    """Where the library is looked for, first match wins:

    1. $SPATIALSTORE_LIB, the path of the library file itself;
    2. libstore.so inside this package (``pip install`` puts it there);
    3. $STORE_LIB_DIR/libstore.so (the variable the Rust crates and the
       Makefile use);
    4. whatever the dynamic linker finds for ``libstore.so`` (an installed
       library, LD_LIBRARY_PATH).
    """
    out = []
    env = os.environ.get("SPATIALSTORE_LIB")
    if env:
        out.append(env)
    out.append(str(Path(__file__).with_name("libstore.so")))
    libdir = os.environ.get("STORE_LIB_DIR")
    if libdir:
        out.append(os.path.join(libdir, "libstore.so"))
    found = ctypes.util.find_library("store")
    out.append(found or "libstore.so")
    return out


def load() -> ctypes.CDLL:
    """The loaded library, loading and checking it on first use."""
    global _lib, _lib_path
    if _lib is not None:
        return _lib
    with _lock:
        if _lib is not None:
            return _lib
        tried = []
        for path in candidates():
            if os.sep in path and not os.path.exists(path):
                tried.append(f"{path}: no such file")
                continue
            try:
                lib = ctypes.CDLL(path)
            except OSError as e:
                tried.append(f"{path}: {e}")
                continue
            for name, (res, args) in PROTOTYPES.items():
                fn = getattr(lib, name)
                fn.restype = res
                fn.argtypes = args
            abi = lib.store_abi_version()
            if abi != K.STORE_ABI_VERSION:
                raise ImportError(
                    f"{path} has ABI version {abi}; this package speaks {K.STORE_ABI_VERSION}"
                )
            _lib, _lib_path = lib, path
            return lib
        raise ImportError(
            "libstore.so not found (set SPATIALSTORE_LIB to its path, or STORE_LIB_DIR to its folder); tried:\n  "
            + "\n  ".join(tried)
        )


def library_path() -> str:
    """The path the library was loaded from."""
    load()
    assert _lib_path is not None
    return _lib_path
