"""The Python side of `make bench-bindings` (see bench.c): the same store,
the same hot key and the same 1000 random keys, through the spatialstore
package. Prints `python<TAB>workload<TAB>ns per operation<TAB>operations`."""

import statistics
import sys
import time

from spatialstore import Store

KEYS, BATCH, RUNS = 100_000, 1000, 5


def timed(call, n: int) -> float:
    """The median over RUNS runs of the ns per call of n calls."""
    runs = []
    for _ in range(RUNS):
        t0 = time.perf_counter_ns()
        for _ in range(n):
            call()
        runs.append((time.perf_counter_ns() - t0) / n)
    return statistics.median(runs)


def main() -> None:
    gets = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    batches = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    val = bytes(ord("a") + i % 26 for i in range(100))
    keys = [b"k%015d" % i for i in range(KEYS)]
    rng, batch = 1, []
    for _ in range(BATCH):
        rng = (rng * 6364136223846793005 + 1442695040888963407) % 2**64
        batch.append(keys[(rng >> 33) % KEYS])
    with Store(":memory:") as db:
        for i in range(0, KEYS, 10_000):
            db.set_many((k, val) for k in keys[i : i + 10_000])
        hot, get, get_many = keys[42], db.get, db.get_many
        print(f"python\tget\t{timed(lambda: get(hot), gets):.1f}\t{gets}")
        print(f"python\tget_many_1000\t{timed(lambda: get_many(batch), batches):.1f}\t{batches}")

main()
