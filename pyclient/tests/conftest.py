from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from spatialstore import Store, library_path

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def db() -> Iterator[Store]:
    with Store(":memory:") as s:
        yield s


@pytest.fixture(autouse=True)
def no_leaked_buffers() -> Iterator[None]:
    """Every test frees every buffer the library returned."""
    lib = _lib()
    before = lib.store_outstanding_buffers()
    yield
    assert lib.store_outstanding_buffers() == before


def _lib():
    from spatialstore import _lib as L

    library_path()
    return L.load()
