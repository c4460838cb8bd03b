#!/bin/sh
# Installs the Debian 12 packages ccgraph builds, tests and benchmarks with.
# Idempotent; run as root (or through sudo).
set -eu
pkgs="build-essential cmake pkg-config clang
libigraph-dev libgraphviz-dev graphviz libpcre2-dev libjansson-dev
libxml2-dev libxml2-utils zlib1g-dev libutf8proc-dev libcmocka-dev libmimalloc-dev
python3 python3-networkx python3-igraph librsvg2-bin"
# ISA-L inflates .gz input about twice as fast as zlib. Debian builds it for
# some architectures only; where it has none, ccgraph inflates with zlib.
optional="libisal-dev"
missing=""
for p in $pkgs $optional; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO=sudo
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    install=""
    for p in $missing; do
        case " $optional " in
        *" $p "*)
            if ! apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
                echo "deps.sh: no $p for this architecture: .gz input is inflated by zlib" >&2
                continue
            fi ;;
        esac
        install="$install $p"
    done
    # shellcheck disable=SC2086
    [ -z "$install" ] || $SUDO apt-get install -y -qq --no-install-recommends $install
fi
