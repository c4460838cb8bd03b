#!/bin/sh
# schemas.sh FIXTURE SCHEMA_DIR VARIANT: validates the GraphML against
# graphml.xsd and the GEXF against the GEXF 1.3 RelaxNG (the 1.3 XSD wrongly
# rejects viz elements), and the SVG for well-formedness. Exit 77 (skipped)
# without a schema folder.
set -u
fixture=$1 schemas=$2 variant=$3
if [ -z "$schemas" ] || [ ! -d "$schemas" ]; then
    echo "skipped: no schemas"
    exit 77
fi
extra=""
[ "$variant" = hostile ] && extra=hostile
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0
"$fixture" graphml "$tmp/n.graphml" $extra || rc=1
"$fixture" gexf "$tmp/n.gexf" $extra || rc=1
xmllint --noout --schema "$schemas/graphml/graphml.xsd" "$tmp/n.graphml" || rc=1
xmllint --noout --relaxng "$schemas/gexf-1.3/gexf.rng" "$tmp/n.gexf" || rc=1
exit $rc
