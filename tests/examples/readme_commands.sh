#!/bin/sh
# readme_commands.sh BIN SRCDIR WORKDIR: runs every ccgraph command that
# README.md shows in a ```sh block, as shown, from a scratch folder that
# sees the source tree's examples/ and tests/, so the README stays true.
# The quick start's install and build steps are CI's own job and skipped;
# its `build/ccgraph ...` step is run.
set -u
bin=$1 src=$2 work=$3
rm -rf "$work"
mkdir -p "$work/build" || exit 1
ln -s "$src/examples" "$work/examples"
ln -s "$src/tests" "$work/tests"
ln -s "$bin" "$work/build/ccgraph"
PATH="$work/build:$PATH"
export PATH
cmds=$(awk '/^```sh$/ {on=1; next} /^```$/ {on=0} on' "$src/README.md" |
       sed -n -e 's/.*&& \(build\/ccgraph .*\)$/\1/p' -e '/^ccgraph /p')
[ -n "$cmds" ] || { echo "no commands found in README.md"; exit 1; }
cd "$work" || exit 1
n=0 failed=0
while IFS= read -r cmd; do
    n=$((n + 1))
    if sh -c "$cmd" >"out.$n" 2>"err.$n"; then
        echo "ok: $cmd"
    else
        echo "FAILED: $cmd"
        cat "err.$n"
        failed=$((failed + 1))
    fi
done <<EOF2
$cmds
EOF2
# The quick start's outputs must be there and parse.
for f in landscape.svg landscape.graphml landscape.gexf; do
    xmllint --noout "$f" || { echo "FAILED: $f is not well-formed XML"; failed=$((failed + 1)); }
done
grep -q '^| 1 |' top.md || { echo "FAILED: top.md has no first row"; failed=$((failed + 1)); }
# ... and be the same bytes when run again with another heap (filled
# freed memory, another environment size, so other addresses): Graphviz's
# prism once moved figure labels with the memory layout of the run.
quick=$(printf '%s\n' "$cmds" | grep -m1 ' build examples/')
mkdir -p again && cd again || exit 1
ln -s ../examples examples
ln -s ../build build
if MALLOC_PERTURB_=85 CCG_PADDING=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx sh -c "$quick" >/dev/null 2>&1; then
    for f in landscape.svg landscape.graphml landscape.gexf top.md; do
        cmp -s "$f" "../$f" || { echo "FAILED: $f differs on a second run"; failed=$((failed + 1)); }
    done
else
    echo "FAILED: second run of: $quick"
    failed=$((failed + 1))
fi
cd .. || exit 1
echo "$((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
