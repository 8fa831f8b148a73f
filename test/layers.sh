#!/bin/sh
# test/layers.sh - the include graph follows the layers (TAP):
#	daemon -> services -> iterator, validator -> cache -> util
# A directory includes headers of its own layer and the layers below it
# only, and iterator and validator never include each other.  Each
# directory is one test; a failure lists the includes that break the
# rule.
here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$here/..}"
n=0
failed=0

# layer DIR ALLOWED...: every '#include "x/..."' in DIR/*.c and DIR/*.h
# names an x among ALLOWED.
layer() {
	dir=$1
	shift
	n=$((n + 1))
	bad=$(cd "$top_srcdir" && for f in "$dir"/*.c "$dir"/*.h; do
		[ -f "$f" ] || continue
		sed -n 's/^#[ 	]*include[ 	]*"\([a-z]*\)\/.*".*/\1/p' \
		    "$f" | while read -r to; do
			ok=0
			for a in "$@"; do
				[ "$to" = "$a" ] && ok=1
			done
			[ $ok -eq 1 ] || echo "$f includes $to/"
		done
	done)
	files=$(cd "$top_srcdir" && ls "$dir"/*.c "$dir"/*.h 2>/dev/null |
	    wc -l)
	if [ -z "$bad" ] && [ "$files" -gt 0 ]; then
		echo "ok $n - $dir/ ($files files) includes only: $*"
	else
		echo "not ok $n - $dir/ includes only: $*"
		[ "$files" -gt 0 ] || echo "# no sources in $dir/"
		echo "$bad" | sed 's/^/# /'
		failed=1
	fi
}

echo "1..5"
layer util util
layer cache cache util
layer iterator iterator cache util
layer validator validator cache util
layer services services iterator validator cache util
exit $failed
