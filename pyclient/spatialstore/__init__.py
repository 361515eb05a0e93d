"""spatialstore: an embedded key-value and spatial store (BuntDB's engine)
over libstore.so, for Python.

    from spatialstore import Store
    with Store(":memory:") as db:
        db.create_spatial_index("pos", "player:*", "pos")
        db.set("player:ann", '{"pos":[0,0]}')
        print(db.nearby("pos", [1, 1], k=5))

The library carries a Go runtime: do not fork without exec once it is
loaded (multiprocessing needs the 'spawn' start method; the package warns
when it sees a fork), signal handlers need SA_ONSTACK, and the library is
never unloaded. See README.md.
"""

from . import _constants as constants
from ._decode import Hit, Pair
from ._lib import library_path
from .errors import (
    BadHandle,
    BufferTooSmall,
    Busy,
    Closed,
    Corrupt,
    IndexExists,
    Internal,
    InvalidArgument,
    Limit,
    NoIndex,
    NotFound,
    StoreError,
    StoreIOError,
    TxClosed,
    TxReadOnly,
    WouldDeadlock,
)
from .store import Forked, IndexKind, Store, Sync, Tx

__version__ = "0.1.0"

__all__ = [
    "BadHandle", "BufferTooSmall", "Busy", "Closed", "Corrupt", "Forked", "Hit", "IndexExists", "IndexKind", "Internal",
    "InvalidArgument", "Limit", "NoIndex", "NotFound", "Pair", "Store", "StoreError", "StoreIOError", "Sync", "Tx",
    "TxClosed", "TxReadOnly", "WouldDeadlock", "constants", "library_path",
]
