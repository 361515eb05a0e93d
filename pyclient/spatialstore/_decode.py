"""Decoding the library's result buffers (the layout in include/store.h).

The buffer is copied into Python bytes before it is freed, and decoded from
that copy, so nothing here ever reads C memory.
"""

from __future__ import annotations

import struct
from typing import NamedTuple, cast

from . import _constants as K

_HIT = struct.Struct("<IId")
_COUNT = struct.Struct("<I")
assert _HIT.size == K.STORE_HIT_HEADER


class Hit(NamedTuple):
    """One item of a result: its key, its value and its distance (0 where
    none applies)."""

    key: bytes
    value: bytes
    distance: float


class Pair(NamedTuple):
    """Two items at most ``max_dist`` apart, from ``pairs``."""

    a: Hit
    b: Hit
    distance: float


def hits(data: bytes, off: int = 0) -> tuple[list[Hit], int]:
    """The hits of one result starting at off, and the offset after them."""
    (count,) = _COUNT.unpack_from(data, off)
    off += 4
    out = []
    unpack = _HIT.unpack_from
    for _ in range(count):
        kl, vl, dist = unpack(data, off)
        off += 16
        key = data[off : off + kl]
        off += kl
        if vl == K.STORE_MISSING:
            # Only get_many's buffers have missing values, and get_many hands
            # out the values alone, as Optional[bytes].
            value = cast(bytes, None)
        else:
            value = data[off : off + vl]
            off += vl
        out.append(Hit(key, value, dist))
    return out, off


def one(data: bytes) -> list[Hit]:
    """The hits of a single-query buffer."""
    out, off = hits(data)
    if off != len(data):
        raise ValueError(f"result buffer has {len(data) - off} bytes after its hits")
    return out


def batch(data: bytes) -> list[list[Hit]]:
    """The hit lists of a batch buffer, one per query in order."""
    out = []
    off = 0
    while off < len(data):
        h, off = hits(data, off)
        out.append(h)
    return out


def pairs(data: bytes) -> list[Pair]:
    """The pairs of a store_pairs buffer: hits two by two."""
    h = one(data)
    return [Pair(h[i], h[i + 1], h[i].distance) for i in range(0, len(h), 2)]
