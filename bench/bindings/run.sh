#!/usr/bin/env bash
# `make bench-bindings`: the per-call cost from C, Python (ctypes), Node
# (koffi, main thread and worker thread) and Bun (bun:ffi), in one run.
# Usage: run.sh BUILD_DIR PYTHON NODE BUN; writes BUILD_DIR/bench/bindings.tsv
# (impl, workload, ns per operation, operations) and prints a table.
set -euo pipefail
build=$1 python=$2 node=$3 bun=$4
here=$(cd "$(dirname "$0")" && pwd)
out=$build/bench/bindings.tsv
mkdir -p "$build/bench"
{
  "$build/bindings/bench-c"
  STORE_LIB_DIR=$build "$python" "$here/bench.py"
  STORE_LIB_DIR=$build "$node" "$here/bench.mjs"
  STORE_LIB_DIR=$build "$bun" "$here/bench.mjs"
} > "$out"
awk -F'\t' '
  { ns[$1 "\t" $2] = $3; if (!seen[$1]++) order[++n] = $1 }
  function cell(v) { return v >= 10000 ? sprintf("%.1f us", v / 1000) : sprintf("%.0f ns", v) }
  END {
    printf "| caller | store_get + free (hot key) | x C | store_get_many, 1000 keys | x C | per key |\n|---|---:|---:|---:|---:|---:|\n"
    for (i = 1; i <= n; i++) {
      g = ns[order[i] "\tget"]; m = ns[order[i] "\tget_many_1000"]
      printf "| %s | %s | %.1fx | %s | %.1fx | %s |\n", order[i], cell(g), g / ns["c\tget"], cell(m), m / ns["c\tget_many_1000"], cell(m / 1000)
    }
  }' "$out"
