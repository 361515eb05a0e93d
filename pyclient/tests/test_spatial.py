from __future__ import annotations

import json
import math
import random

import pytest

from spatialstore import Hit, IndexExists, IndexKind, InvalidArgument, NoIndex, Store


def test_nearby_and_boxes_against_brute_force(db: Store) -> None:
    rnd = random.Random(7)
    db.create_spatial_index("pos", "p:*", "pos")
    pts = {f"p:{i}".encode(): (rnd.uniform(-50, 50), rnd.uniform(-50, 50)) for i in range(300)}
    db.set_many([(k, json.dumps({"pos": list(p)})) for k, p in pts.items()])
    for _ in range(20):
        q = (rnd.uniform(-60, 60), rnd.uniform(-60, 60))
        want = sorted((math.dist(q, p), k) for k, p in pts.items())
        hits = db.nearby("pos", q, k=10)
        assert [h.key for h in hits] == [k for _, k in want[:10]]
        for h, (d, _) in zip(hits, want):
            assert h.distance == pytest.approx(d)
            assert json.loads(h.value)["pos"] == list(pts[h.key])
        radius = db.nearby("pos", q, max_dist=15)
        assert sorted(h.key for h in radius) == sorted(k for d, k in want if d <= 15)
        lo = (q[0] - 10, q[1] - 10)
        hi = (q[0] + 10, q[1] + 10)
        inside = sorted(k for k, p in pts.items() if all(lo[i] <= p[i] <= hi[i] for i in range(2)))
        assert sorted(h.key for h in db.intersects("pos", lo, hi)) == inside
        assert sorted(h.key for h in db.within("pos", lo, hi)) == inside
        assert all(h.distance == 0 for h in db.intersects("pos", lo, hi))
    assert len(db.intersects("pos", [-100, -100], [100, 100], limit=7)) == 7


def test_batch_queries_equal_single_queries(db: Store) -> None:
    db.create_spatial_index("pos", "p:*")
    db.set_many([(f"p:{x}:{y}", f"[{x} {y}]") for x in range(10) for y in range(10)])
    boxes = [([0, 0], [2, 2]), ([5, 5], [5, 5]), ([20, 20], [30, 30])]
    assert db.intersects_many("pos", boxes) == [db.intersects("pos", a, b) for a, b in boxes]
    assert db.within_many("pos", boxes, limit=2) == [db.within("pos", a, b, 2) for a, b in boxes]
    points: list[list[float]] = [[0, 0], [4.5, 4.5]]
    assert db.nearby_many("pos", points, k=3) == [db.nearby("pos", p, k=3) for p in points]
    assert db.nearby_many("pos", points, max_dist=1) == [db.nearby("pos", p, max_dist=1) for p in points]
    assert db.intersects_many("pos", []) == []
    assert db.nearby_many("pos", []) == []
    with pytest.raises(InvalidArgument):
        db.intersects_many("pos", [([0, 0], [1, 1]), ([0], [1])])
    with pytest.raises(InvalidArgument):
        db.nearby_many("pos", [[0, 0], [1]])
    with pytest.raises(NoIndex):
        db.nearby_many("nope", [])


def test_pairs(db: Store) -> None:
    db.create_spatial_index("pos", "*", "pos")
    db.set("a", '{"pos":[0,0]}')
    db.set("b", '{"pos":[3,4]}')
    db.set("c", '{"pos":[100,100]}')
    pairs = db.pairs("pos", 6)
    assert len(pairs) == 1
    p = pairs[0]
    assert (p.a.key, p.b.key, p.distance) == (b"a", b"b", 5.0)
    assert db.pairs("pos", 6, pattern="b") == [type(p)(Hit(b"b", b'{"pos":[3,4]}', 5.0), Hit(b"a", b'{"pos":[0,0]}', 5.0), 5.0)]
    with pytest.raises(InvalidArgument):
        db.pairs("pos", -1)


def test_bad_geometry_is_refused_and_changes_nothing(db: Store) -> None:
    db.create_spatial_index("pos", "p:*", "pos")
    db.set("p:1", '{"pos":[1,1]}')
    for bad in ('{"pos":"x"}', "{}", '{"pos":[1,"a"]}'):
        with pytest.raises(InvalidArgument):
            db.set("p:1", bad)
    assert db.get("p:1") == b'{"pos":[1,1]}'
    for lo, hi in (([1, 1], [0, 0]), ([float("nan")], [1]), ([0, 0], [1]), ([], [])):
        with pytest.raises(InvalidArgument):
            db.intersects("pos", lo, hi)
    with pytest.raises(InvalidArgument):
        db.nearby("pos", [float("inf"), 0])
    with pytest.raises(InvalidArgument):
        db.nearby("pos", [0] * 21)
    with pytest.raises(TypeError):
        db.nearby("pos", ["x", 0])  # type: ignore[list-item]
    for count in (-1, 1.5, True):
        with pytest.raises(InvalidArgument):
            db.nearby("pos", [0, 0], k=count)  # type: ignore[arg-type]
        with pytest.raises(InvalidArgument):
            db.intersects("pos", [0, 0], [1, 1], limit=count)  # type: ignore[arg-type]


def test_indexes_and_scans(db: Store) -> None:
    db.create_index("age", "u:*", IndexKind.JSON, "age")
    db.create_index("age", "u:*", IndexKind.JSON, "age")  # same definition: nothing to do
    with pytest.raises(IndexExists):
        db.create_index("age", "u:*", IndexKind.INT)
    for name, age in (("ann", 31), ("bob", 25), ("cy", 40)):
        db.set(f"u:{name}", json.dumps({"age": age}))
    assert [h.key for h in db.scan("age")] == [b"u:bob", b"u:ann", b"u:cy"]
    assert [h.key for h in db.scan("age", desc=True, limit=2)] == [b"u:cy", b"u:ann"]
    assert [h.key for h in db.scan("age", '{"age":30}', '{"age":40}')] == [b"u:ann"]
    assert [h.key for h in db.scan("", "u:b")] == [b"u:bob", b"u:cy"]
    assert [h.key for h in db.scan(hi="u:b")] == [b"u:ann"]
    db.create_spatial_index("pos", "p:*", "pos")
    with pytest.raises(NoIndex):
        db.scan("pos")
    with pytest.raises(NoIndex):
        db.scan("nope")
    db.drop_index("age")
    with pytest.raises(NoIndex):
        db.drop_index("age")
    with pytest.raises(InvalidArgument):
        db.create_index("x", "*", 99)  # type: ignore[arg-type]


def test_spatial_index_refuses_existing_bad_items(db: Store) -> None:
    db.set("p:bad", "not geometry")
    with pytest.raises(InvalidArgument) as e:
        db.create_spatial_index("pos", "p:*", "pos")
    assert "p:bad" in e.value.message
    with pytest.raises(NoIndex):
        db.nearby("pos", [0, 0])
