#!/usr/bin/env bash
# Checks that the library exports exactly the store_* functions that the
# public header declares: every declared one, and no other store_* symbol.
# With test sources after the library, also checks that the tests call
# every declared function.
# Usage: check_symbols.sh CC HEADER LIBRARY [SOURCE...]
set -euo pipefail
cc=$1 header=$2 lib=$3
shift 3
# Preprocessing drops the comments (which mention calls) and the macros;
# what is left declares the functions, each name followed by "(".
declared=$("$cc" -E -P -x c "$header" | grep -oE '\bstore_[a-z0-9_]+[[:space:]]*\(' | tr -d '( \t' | sort -u)
exported=$(nm -D --defined-only "$lib" | awk '{print $NF}' | grep -E '^store_' | sort -u)
if [ -z "$declared" ]; then
    echo "check_symbols: no store_* function found in $header" >&2
    exit 1
fi
missing=$(comm -23 <(echo "$declared") <(echo "$exported"))
extra=$(comm -13 <(echo "$declared") <(echo "$exported"))
if [ -n "$missing" ]; then
    echo "check_symbols: declared in $(basename "$header") but not exported by $(basename "$lib"):" $missing >&2
fi
if [ -n "$extra" ]; then
    echo "check_symbols: exported by $(basename "$lib") but not declared in $(basename "$header"):" $extra >&2
fi
if [ -n "$missing" ] || [ -n "$extra" ]; then
    exit 1
fi
if [ $# -gt 0 ]; then
    uncalled=$(for f in $declared; do grep -qE "\b$f[[:space:]]*\(" "$@" || echo "$f"; done)
    if [ -n "$uncalled" ]; then
        echo "check_symbols: the tests never call:" $uncalled >&2
        exit 1
    fi
fi
echo "check_symbols: $(echo "$declared" | wc -l) store_* functions declared and exported, no others"
