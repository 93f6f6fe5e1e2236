#!/bin/sh
# Refresh frontend/vendor/ from the npm registry at the exact versions pinned in
# frontend/package.json (and package-lock.json when present). Files are copied
# unmodified, with their licences. Node is needed only here, never at run time.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

cp "$here/package.json" "$work/"
if [ -f "$here/package-lock.json" ]; then
    cp "$here/package-lock.json" "$work/"
    (cd "$work" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund)
else
    (cd "$work" && npm install --ignore-scripts --no-audit --no-fund --save-exact)
    cp "$work/package-lock.json" "$here/"
fi

nm="$work/node_modules"
out="$here/vendor"
rm -rf "$out"
mkdir -p "$out/uplot" "$out/idb" "$out/uqr"

# uPlot: the ES module build and its stylesheet.
cp "$nm/uplot/dist/uPlot.esm.js" "$nm/uplot/dist/uPlot.min.css" "$nm/uplot/LICENSE" "$out/uplot/"
# idb: a single self-contained ES module.
cp "$nm/idb/build/index.js" "$nm/idb/LICENSE" "$out/idb/"
# uqr: its ES module, renamed .mjs -> .js only so that every server sends it
# as JavaScript (a module with the wrong MIME type will not load); content unchanged.
cp "$nm/uqr/dist/index.mjs" "$out/uqr/index.js"
cp "$nm/uqr/LICENSE" "$out/uqr/"

for pkg in uplot idb uqr; do
    node -p "require('$nm/$pkg/package.json').version" > "$out/$pkg/VERSION"
done
echo "vendored into $out:"
ls -l "$out"/*
