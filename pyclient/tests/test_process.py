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


def test_signals_while_threads_call_into_the_library(db: Store) -> None:
    import os
    import signal
    import threading
    import time

    got = []
    old = signal.signal(signal.SIGUSR2, lambda *_: got.append(1))
    try:
        db.create_spatial_index("pos", "p:*", "pos")
        stop = threading.Event()
        errors: list[BaseException] = []

        def work() -> None:
            try:
                n = 0
                while not stop.is_set():
                    db.set(f"p:{n % 100}", f'{{"pos":[{n % 7},{n % 11}]}}')
                    db.nearby("pos", [3, 3], k=5)
                    n += 1
            except BaseException as e:  # noqa: BLE001 - handed to the main thread
                errors.append(e)

        threads = [threading.Thread(target=work) for _ in range(2)]
        for t in threads:
            t.start()
        end = time.monotonic() + 0.5
        sent = 0
        while time.monotonic() < end:
            os.kill(os.getpid(), signal.SIGUSR2)
            sent += 1
            time.sleep(0.002)
        stop.set()
        for t in threads:
            t.join()
        assert not errors
        assert sent > 0 and got
        assert len(db) == 100
    finally:
        signal.signal(signal.SIGUSR2, old)
