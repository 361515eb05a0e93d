"""The limits of store_options through the package: over one a call raises
Limit and changes nothing."""

from __future__ import annotations

import pytest

from spatialstore import Limit, Store, constants


def test_limits_refuse_and_change_nothing() -> None:
    with Store(max_key_size=8, max_value_size=16, max_result_size=200, max_batch_items=3) as db:
        db.set("12345678", "0123456789abcdef")  # at the limits
        with pytest.raises(Limit) as e:
            db.set("123456789", "v")
        assert e.value.status == "STORE_ERR_LIMIT"
        with pytest.raises(Limit):
            db.set("k", "0123456789abcdefg")
        assert db.get("k") is None
        with pytest.raises(Limit):
            db.set_many([("a", "1"), ("b", "2"), ("c", "3"), ("d", "4")])
        assert db.get("a") is None
        with pytest.raises(Limit):
            db.get_many(["a", "b", "c", "d"])
        for i in range(10):
            db.set(f"k{i}", "0123456789")
        with pytest.raises(Limit):
            db.scan("")
        with db.begin(write=True) as tx:
            with pytest.raises(Limit):
                tx.set("x", "0123456789abcdefg")
            tx.set("x", "fits")
        assert db.get("x") == b"fits"


def test_default_limits_and_negative_ones() -> None:
    with Store() as db:
        db.set("k" * 1000, "v")  # far under the 64 KiB default
        assert constants.STORE_DEFAULT_MAX_KEY_SIZE == 64 * 1024
    with pytest.raises(Exception) as e:
        Store(max_batch_items=-1)
    assert getattr(e.value, "status", "") == "STORE_ERR_INVALID_ARG"
