#!/bin/sh
# Installs the Debian 12 packages ccgraph builds, tests and benchmarks with.
# Idempotent; run as root (or through sudo).
set -eu
pkgs="build-essential cmake pkg-config clang
libigraph-dev libgraphviz-dev graphviz libpcre2-dev libjansson-dev
libxml2-dev libxml2-utils zlib1g-dev libutf8proc-dev libcmocka-dev
python3 python3-networkx python3-igraph librsvg2-bin"
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO=sudo
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
