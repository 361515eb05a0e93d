from __future__ import annotations

import time

import pytest

from spatialstore import BadHandle, InvalidArgument, NotFound, Store, StoreError


def test_set_get_delete_binary_keys(db: Store) -> None:
    db.set(b"k\x00x", b"v\x00\xff")
    db.set("text", "caf\u00e9")
    assert db.get(b"k\x00x") == b"v\x00\xff"
    assert db.get(bytearray(b"k\x00x")) == b"v\x00\xff"
    assert db.get(memoryview(b"k\x00x")) == b"v\x00\xff"
    assert db.get("text") == "caf\u00e9".encode()
    assert db.get("nope") is None
    assert db.delete("text") is True
    assert db.delete("text") is False
    assert db.get("text") is None
    db.set(b"", b"")
    assert db.get(b"") == b""
    assert len(db) == 2
    assert "k\x00x" in db and "text" not in db


def test_bad_types_raise_type_error_and_change_nothing(db: Store) -> None:
    with pytest.raises(TypeError):
        db.set(1, b"v")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        db.set(b"k", None)  # type: ignore[arg-type]
    assert len(db) == 0


def test_ttl(db: Store) -> None:
    db.set("forever", "v")
    db.set("soon", "v", ttl=60)
    db.set("now", "v", ttl=0.05)
    assert db.ttl("forever") is None
    left = db.ttl("soon")
    assert left is not None and 59 < left <= 60
    with pytest.raises(NotFound) as e:
        db.ttl("missing")
    assert e.value.status == "STORE_NOT_FOUND"
    assert isinstance(e.value, KeyError)
    time.sleep(0.1)
    assert db.get("now") is None
    for bad in (0, -1, float("nan"), float("inf")):
        with pytest.raises(InvalidArgument):
            db.set("x", "v", ttl=bad)
    assert db.get("x") is None


def test_batches(db: Store) -> None:
    db.set_many([("a", "1"), (b"b", b"2"), ("c", "3", 60)])
    db.set_many({"d": "4"})
    db.set_many([])
    assert db.get_many(["a", "b", "zz", "c", "d"]) == [b"1", b"2", None, b"3", b"4"]
    assert db.get_many([]) == []
    assert db.ttl("c") is not None
    assert db.delete_many(["a", "zz", "b"]) == 2
    assert db.delete_many([]) == 0
    assert db.get_many(["a", "b", "c"]) == [None, None, b"3"]


def test_a_refused_batch_writes_nothing(db: Store) -> None:
    db.create_spatial_index("pos", "p:*", "pos")
    with pytest.raises(InvalidArgument) as e:
        db.set_many([("p:1", '{"pos":[1,2]}'), ("p:2", "not geometry")])
    assert e.value.status == "STORE_ERR_INVALID_ARG"
    assert "p:2" in str(e.value)
    assert db.get("p:1") is None


def test_closed_store_gives_bad_handle() -> None:
    db = Store(":memory:")
    db.set("k", "v")
    db.close()
    assert db.closed
    for call in (lambda: db.get("k"), lambda: db.set("k", "v"), lambda: db.nearby("i", [0]), db.close, lambda: len(db)):
        with pytest.raises(BadHandle) as e:
            call()
        assert e.value.status == "STORE_ERR_BAD_HANDLE"
        assert e.value.code == -2
        assert "handle" in e.value.message
        assert isinstance(e.value, StoreError)


def test_file_store_persists_and_is_exclusive(tmp_path) -> None:
    path = tmp_path / "data.db"
    with Store(path) as db:
        db.create_spatial_index("pos", "p:*", "pos")
        db.set("p:1", '{"pos":[1,1]}')
        with pytest.raises(StoreError) as e:
            Store(path)
        assert e.value.status == "STORE_ERR_BUSY"
        db.save(tmp_path / "snap")
        db.shrink()
    with Store(str(path)) as db:
        assert db.get("p:1") == b'{"pos":[1,1]}'
        assert [h.key for h in db.nearby("pos", [0, 0])] == [b"p:1"]
    with Store() as db:
        db.load(tmp_path / "snap")
        assert db.get("p:1") == b'{"pos":[1,1]}'
        with pytest.raises(StoreError) as e:
            db.load(tmp_path / "missing")
        assert e.value.status in ("STORE_ERR_IO", "STORE_ERR_INVALID_ARG")


def test_bad_paths_and_options(tmp_path) -> None:
    with pytest.raises(InvalidArgument):
        Store("")
    with pytest.raises(InvalidArgument):
        Store(tmp_path)  # a directory
    with pytest.raises(InvalidArgument):
        Store(":memory:", auto_shrink_percentage=-1)
    with pytest.raises(InvalidArgument):
        Store("a\0b")


def test_forgotten_store_is_closed_by_the_collector(tmp_path) -> None:
    import gc

    path = tmp_path / "forgotten.db"
    db = Store(path)
    db.set("k", "v")
    del db
    gc.collect()
    with Store(path) as again:  # the file lock was released
        assert again.get("k") == b"v"
