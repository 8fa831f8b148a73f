#!/bin/sh
# test/replay.sh - run every replay scenario (testdata/*.rpl) through
# test/replay and report one TAP line per scenario.
#
# A scenario passes when test/replay says PASS; on failure the first
# difference it found is shown as TAP comments.  A scenario with a TODO
# line describes behaviour that is not there yet: it is reported as a
# TAP TODO ("not ok ... # TODO reason" while it fails; "ok ... # TODO"
# once it passes, which the TAP driver flags as an unexpected pass so
# the TODO line gets removed).  Extra arguments replace the list of
# scenarios.
#
# Then the harness checks itself: each testdata/replay/selftest_*.rpl is
# wrong on purpose and names, in an "; expect-fail: text" line, the
# message test/replay must fail with; it passes when test/replay fails
# and says that.  Last, every scenario is run twice with -v and the two
# traces must be the same (the run is deterministic).
here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$here/..}"
: "${top_builddir:=$here/..}"
replay="$top_builddir/test/replay"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/replay.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

if [ $# -gt 0 ]; then
	files="$*"
else
	files=$(ls "$top_srcdir"/testdata/*.rpl 2>/dev/null)
fi
if [ -z "$files" ]; then
	echo "1..0 # SKIP no scenarios found"
	exit 0
fi
n=0
for f in $files; do
	n=$((n + 1))
	name=$(basename "$f")
	if [ ! -x "$replay" ]; then
		echo "not ok $n - $name: $replay not built"
		continue
	fi
	todo=$("$replay" -t "$f" 2>"$tmp/err")
	if [ $? -ne 0 ]; then
		echo "not ok $n - $name: the scenario cannot be read"
		sed 's/^/# /' "$tmp/err"
		continue
	fi
	TMPDIR="$tmp" "$replay" "$f" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	title=$(sed -n '1s/^[A-Z]* [^:]*: //p' "$tmp/out")
	if [ -n "$todo" ]; then
		if [ $rc -eq 0 ]; then
			echo "ok $n - $name: $title # TODO $todo"
		else
			echo "not ok $n - $name: $title # TODO $todo"
		fi
	elif [ $rc -eq 0 ]; then
		echo "ok $n - $name: $title"
	else
		echo "not ok $n - $name: $title"
	fi
	if [ $rc -ne 0 ]; then
		sed '1d; s/^/# /' "$tmp/out"
		sed 's/^/# /' "$tmp/err"
	fi
done

# Self-tests of the harness (only in the default run).
if [ $# -eq 0 ]; then
	for f in "$top_srcdir"/testdata/replay/selftest_*.rpl; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		name="replay/$(basename "$f")"
		want=$(sed -n 's/^; expect-fail: //p' "$f")
		TMPDIR="$tmp" "$replay" "$f" >"$tmp/out" 2>"$tmp/err"
		rc=$?
		if [ -z "$want" ]; then
			echo "not ok $n - $name: no expect-fail line"
		elif [ $rc -ne 0 ] && cat "$tmp/out" "$tmp/err" | grep -F -q -- "$want"; then
			echo "ok $n - $name: test/replay fails with \"$want\""
		else
			echo "not ok $n - $name: test/replay did not fail" \
			    "with \"$want\" (exit $rc)"
			sed 's/^/# /' "$tmp/out" "$tmp/err"
		fi
	done
	n=$((n + 1))
	diffs=""
	for f in $files; do
		TMPDIR="$tmp" "$replay" -v "$f" >"$tmp/t1" 2>/dev/null
		TMPDIR="$tmp" "$replay" -v "$f" >"$tmp/t2" 2>/dev/null
		cmp -s "$tmp/t1" "$tmp/t2" || diffs="$diffs $(basename "$f")"
	done
	if [ -z "$diffs" ]; then
		echo "ok $n - every scenario gives the same trace in two runs"
	else
		echo "not ok $n - traces differ between two runs:$diffs"
	fi
fi
echo "1..$n"
