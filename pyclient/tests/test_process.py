"""The host-process rules: a fork is warned about and the child refuses
to call into the library; multiprocessing's 'spawn' works."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
import textwrap

from spatialstore import Store

CHILD = textwrap.dedent(
    """
    import os, sys, warnings
    from spatialstore import Store, StoreError, Forked
    db = Store(":memory:")
    db.set("k", "v")
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        pid = os.fork()
        if pid == 0:
            code = 0
            if not any("spawn" in str(w.message) for w in seen):
                code = 1
            for call in (lambda: db.get("k"), lambda: Store(":memory:")):
                try:
                    call()
                    code = 2
                except Forked as e:
                    if e.status != "STORE_ERR_BAD_HANDLE" or "fork" not in str(e):
                        code = 3
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert db.get("k") == b"v", "the parent goes on"
    sys.exit(os.waitstatus_to_exitcode(status))
    """
)


def test_fork_warns_and_the_child_refuses() -> None:
    r = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr


def _count_in_fresh_store(n: int) -> int:
    with Store(":memory:") as db:
        db.set_many((f"k{i}", "v") for i in range(n))
        return len(db)


def test_multiprocessing_spawn_works() -> None:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        assert pool.map(_count_in_fresh_store, [3, 5]) == [3, 5]
