#!/bin/sh
# fuzz/regress.sh - the fuzz targets' regression test (TAP): every seed
# and every input that once crashed a target, testdata/fuzz/<target>/*
# and testdata/fuzz/<target>/crashes/*, run through the target once by
# fuzz/regress_<target> (the target without libFuzzer).  One case per
# file: ok when the target returns, not ok when it aborts or a
# sanitizer stops it.
here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$here/..}"
: "${top_builddir:=$here/..}"
targets="msg resolve config load_cache anchor_xml control zonefile cachedb"
n=0
failed=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-regress.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

for t in $targets; do
	prog="$top_builddir/fuzz/regress_$t"
	for f in "$top_srcdir/testdata/fuzz/$t"/* \
	    "$top_srcdir/testdata/fuzz/$t/crashes"/*; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		name="$t/${f#"$top_srcdir/testdata/fuzz/$t/"}"
		# Run in the scratch directory: the file names a config
		# input gives are looked up there.
		if (cd "$tmp" && TMPDIR="$tmp" "$prog" "$f") \
		    >"$tmp/out" 2>&1; then
			echo "ok $n - $name"
		else
			echo "not ok $n - $name"
			failed=1
			sed -n '1,60s/^/# /p' "$tmp/out"
		fi
	done
done
if [ "$n" = 0 ]; then
	echo "1..0 # SKIP no inputs under $top_srcdir/testdata/fuzz"
	exit 0
fi
echo "1..$n"
exit $failed
