from __future__ import annotations

import threading

import pytest

from spatialstore import BadHandle, Store, StoreError, TxReadOnly, WouldDeadlock


def test_with_block_commits(db: Store) -> None:
    with db.transaction() as tx:
        tx.set("a", "1")
        assert tx.get("a") == b"1"
    assert db.get("a") == b"1"


def test_exception_rolls_back(db: Store) -> None:
    db.set("a", "0")
    with pytest.raises(RuntimeError):
        with db.transaction() as tx:
            tx.set("a", "1")
            tx.delete("a")
            tx.set("b", "2")
            raise RuntimeError("boom")
    assert db.get("a") == b"0"
    assert db.get("b") is None


def test_explicit_commit_and_rollback(db: Store) -> None:
    tx = db.begin()
    tx.set("a", "1")
    tx.rollback()
    assert tx.done
    assert db.get("a") is None
    with pytest.raises(BadHandle):
        tx.commit()
    tx = db.begin()
    tx.set("a", "1")
    tx.commit()
    assert db.get("a") == b"1"
    with db.transaction() as tx:  # ended inside the block: the block leaves it
        tx.set("b", "2")
        tx.commit()
    assert db.get("b") == b"2"


def test_read_only_transaction_refuses_writes(db: Store) -> None:
    db.set("a", "1")
    with db.transaction(write=False) as tx:
        assert tx.get("a") == b"1"
        with pytest.raises(TxReadOnly) as e:
            tx.set("a", "2")
        assert e.value.status == "STORE_ERR_TX_READ_ONLY"
    assert db.get("a") == b"1"


def test_database_call_inside_own_transaction_would_deadlock(db: Store) -> None:
    with db.transaction() as tx:
        with pytest.raises(WouldDeadlock):
            db.get("a")
        with pytest.raises(StoreError) as e:
            db.close()
        assert e.value.status in ("STORE_ERR_BUSY", "STORE_ERR_WOULD_DEADLOCK")
        tx.set("a", "1")
    assert db.get("a") == b"1"


def test_transaction_queries_see_their_writes(db: Store) -> None:
    db.create_spatial_index("pos", "p:*", "pos")
    with db.transaction() as tx:
        tx.set_many([("p:1", '{"pos":[0,0]}'), ("p:2", '{"pos":[5,0]}')])
        assert [h.key for h in tx.nearby("pos", [4, 0], k=1)] == [b"p:2"]
        tx.rollback()
    assert db.nearby("pos", [4, 0]) == []


def test_threads_share_a_store(db: Store) -> None:
    errors: list[BaseException] = []

    def work(t: int) -> None:
        try:
            for i in range(200):
                db.set(f"t{t}:{i}", str(i))
                assert db.get(f"t{t}:{i}") == str(i).encode()
            with pytest.raises(StoreError):
                db.nearby("no-such-index", [0])
        except BaseException as e:  # noqa: BLE001 - handed to the main thread
            errors.append(e)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    assert len(db) == 800


def test_forgotten_transaction_is_rolled_back(db: Store) -> None:
    import gc

    tx = db.begin()
    tx.set("a", "1")
    del tx
    gc.collect()
    assert db.get("a") is None  # the store is usable again: the tx was rolled back
    db.set("a", "2")
