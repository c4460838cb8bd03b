#!/bin/sh
# golden.sh EXPECTED CMD ARGS...: runs CMD, compares its stdout with EXPECTED
# byte for byte. With CCG_UPDATE_GOLDEN=1, writes EXPECTED instead.
set -u
expected=$1
shift
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$@" >"$out"
rc=$?
if [ $rc -ne 0 ]; then
    echo "golden: command failed with exit code $rc: $*" >&2
    exit 1
fi
if [ "${CCG_UPDATE_GOLDEN:-0}" = 1 ]; then
    cp "$out" "$expected"
    echo "golden: updated $expected"
    exit 0
fi
if ! cmp -s "$out" "$expected"; then
    echo "golden: output differs from $expected:" >&2
    diff -u "$expected" "$out" | head -40 >&2
    exit 1
fi
