#!/bin/sh
# installed.sh BUILD_DIR SRC_DIR WORK_DIR CFLAGS: installs the build into a
# scratch prefix and builds examples/landscape.c the way a library user
# would (pkg-config ccgraph), then runs it: the installed headers, archive
# and .pc file are complete.
set -eu
build=$1 src=$2 work=$3 extra=$4
rm -rf "$work"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig"
export PKG_CONFIG_PATH
# shellcheck disable=SC2046,SC2086
cc -std=c11 $extra -o "$work/landscape" "$src/examples/landscape.c" $(pkg-config --cflags --libs ccgraph)
"$work/landscape" "$src/examples/arxiv_listing_seed.txt" "$work/seed.graphml"
test -x "$work/prefix/bin/ccgraph"
test -f "$work/prefix/share/man/man1/ccgraph.1"
