#!/bin/sh
# test/doc.sh - the manual pages and the example config against the code
# (TAP): every option of util/config_options.h is in the generated
# resolute.conf(5) under its clause and in example.conf, the pages format
# without warnings, each SYNOPSIS names every flag its program's -h lists,
# and the example configs read back without errors.
here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$here/..}"
: "${top_builddir:=$here/..}"
checkconf="$top_builddir/resolute-checkconf"
table="$top_srcdir/util/config_options.h"
conf5="$top_builddir/doc/resolute.conf.5"
example="$top_builddir/doc/example.conf"
pages="$top_builddir/doc/resolute.8 $top_builddir/doc/resolute-checkconf.8
$top_builddir/doc/resolute-control.8 $conf5"
n=0
failed=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/doc.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# check STATUS DESCRIPTION: a test passes when STATUS is 0; on failure
# $tmp/diag is shown as a TAP comment.
check() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=1
		sed 's/^/# /' "$tmp/diag" 2>/dev/null
	fi
	: >"$tmp/diag"
}

# skip REASON
skip() {
	n=$((n + 1))
	echo "ok $n # SKIP $1"
}

if [ ! -x "$checkconf" ] || [ ! -f "$conf5" ] || [ ! -f "$example" ]; then
	echo "1..1"
	echo "ok 1 # SKIP resolute-checkconf or the generated docs not built"
	exit 0
fi
: >"$tmp/diag"

# The table, as "clause name" lines, read from the source and not from
# the program, so a generator that drops an option is caught.
sed -n 's/^X(CFG_C_\([A-Z]*\), "\([^"]*\)".*/\1 \2/p' "$table" |
    sed -e 's/^SERVER /server /' -e 's/^REMOTE /remote-control /' \
	-e 's/^CACHEDB /cachedb /' -e 's/^DNSTAP /dnstap /' -e 's/^FORWARD /forward-zone /' \
	-e 's/^STUB /stub-zone /' >"$tmp/options"
count=$(wc -l <"$tmp/options")
test "$count" -ge 100 && ! grep -q '^[A-Z]' "$tmp/options"
echo "$count options read from $table" >"$tmp/diag"
check $? "option table read: $count options"

# Every option has a .TP heading in the subsection of its clause.
while read -r clause name; do
	man_name=$(printf '%s' "$name" | sed 's/-/\\\\-/g')
	sed -n "/^\\.SS \"$clause:\"\$/,/^\\.S[SH] /p" "$conf5" |
	    grep -q "^\\\\fB$man_name:\\\\fR \\\\fI" ||
	    echo "missing in $clause: $name" >>"$tmp/diag"
done <"$tmp/options"
test ! -s "$tmp/diag"
check $? "resolute.conf.5 documents every option under its clause"

grep -n '@[A-Za-z_]*@' "$conf5" >"$tmp/diag"
test ! -s "$tmp/diag" && ! grep -q '^\.\\" @OPTIONS@' "$conf5"
check $? "resolute.conf.5 has no unreplaced @markers@"

while read -r clause name; do
	case $clause in
	forward-zone|stub-zone)
		grep -q "^#	$name:" "$example" ;;
	*)
		grep -q "^	# $name:" "$example" ;;
	esac || echo "missing: $clause $name" >>"$tmp/diag"
done <"$tmp/options"
test ! -s "$tmp/diag"
check $? "example.conf lists every option"

# The pages format without a warning.
if command -v groff >/dev/null 2>&1; then
	for p in $pages; do
		groff -man -ww -z "$p" >"$tmp/diag" 2>&1
		test ! -s "$tmp/diag"
		check $? "groff -man -ww: no warnings in $(basename "$p")"
	done
else
	for p in $pages; do
		skip "groff not installed: $(basename "$p") not formatted"
	done
fi
if command -v man >/dev/null 2>&1 && command -v groff >/dev/null 2>&1
then
	for p in $pages; do
		man --warnings -l "$p" 2>"$tmp/diag" >"$tmp/out"
		test $? -eq 0 && test ! -s "$tmp/diag" && test -s "$tmp/out"
		check $? "man --warnings -l: no warnings in $(basename "$p")"
	done
else
	for p in $pages; do
		skip "man or groff not installed: $(basename "$p") not checked"
	done
fi

# Each page's .TH names the page its file is.
for p in $pages; do
	base=$(basename "$p")
	title=$(echo "${base%.*}" | tr 'a-z' 'A-Z')
	section=${base##*.}
	grep -q "^\\.TH $title $section " "$p"
	echo "$base: no .TH $title $section" >"$tmp/diag"
	check $? ".TH of $base"
done

# flags FILE: the flags a usage text lists, one a line: "-x" for each
# letter of a short flag group, "--long" for long ones.
flags() {
	sed 's/[][|,]/ /g' "$1" | tr ' \t' '\n\n' |
	    grep -E '^-[A-Za-z]+$|^--[a-z][-a-z]*$' |
	    while read -r f; do
		case $f in
		--*)	echo "$f" ;;
		*)	echo "${f#-}" | fold -w 1 | sed 's/^/-/' ;;
		esac
	    done | sort -u
}

# synopsis_has PAGE FLAG: the SYNOPSIS section of PAGE shows FLAG, alone
# or in a group of short flags.
synopsis_has() {
	sed -n '/^\.SH SYNOPSIS/,/^\.SH /p' "$1" |
	    sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' >"$tmp/syn"
	case $2 in
	--*)	grep -qE -- "$2([^-A-Za-z0-9]|\$)" "$tmp/syn" ;;
	*)	grep -qE -- "(^|[^-A-Za-z0-9])-[A-Za-z]*${2#-}" "$tmp/syn" ;;
	esac
}

# The programs' -h output against their SYNOPSIS.  A program whose -h
# prints no usage line (not written yet) is skipped, never passed.
for prog in resolute resolute-checkconf resolute-control; do
	page="$top_builddir/doc/$prog.8"
	if [ ! -x "$top_builddir/$prog" ]; then
		skip "$prog not built"
		continue
	fi
	if command -v timeout >/dev/null 2>&1; then
		timeout 10 "$top_builddir/$prog" -h >"$tmp/usage" 2>&1
	else
		"$top_builddir/$prog" -h >"$tmp/usage" 2>&1
	fi
	if ! grep -q "^usage: $prog" "$tmp/usage"; then
		skip "$prog -h prints no usage"
		continue
	fi
	flags "$tmp/usage" >"$tmp/flags"
	for f in $(cat "$tmp/flags"); do
		synopsis_has "$page" "$f" ||
		    echo "$prog.8 SYNOPSIS lacks $f" >>"$tmp/diag"
	done
	test -s "$tmp/flags" && test ! -s "$tmp/diag"
	check $? "$prog.8 SYNOPSIS shows every flag of $prog -h:\
 $(echo $(cat "$tmp/flags"))"
done

# The example config reads back without errors...
"$checkconf" "$example" >"$tmp/out" 2>"$tmp/diag"
test $? -eq 0 && test ! -s "$tmp/diag"
check $? "example.conf reads back without errors"

# ... and its commented defaults are the real ones: uncommented, they
# give the same settings as an empty file.
# (Not the cachedb: clause: its options are an error unless module-config
# has the cachedb module; they are compared through -p all the same.)
sed -e 's/^	# \([a-z0-9-]*: .\)/	\1/' -e '/^cachedb:/,$d' "$example" \
    >"$tmp/defaults.conf"
: >"$tmp/empty.conf"
"$checkconf" -p "$tmp/defaults.conf" 2>"$tmp/diag" | grep -v '^#' \
    >"$tmp/p1"
"$checkconf" -p "$tmp/empty.conf" 2>>"$tmp/diag" | grep -v '^#' >"$tmp/p2"
active=$(grep -c '^	[a-z]' "$tmp/defaults.conf")
diff "$tmp/p2" "$tmp/p1" >>"$tmp/diag"
test $? -eq 0 && test "$active" -ge 50
check $? "example.conf defaults, uncommented ($active), equal the built-in ones"

# The EXAMPLE of resolute.conf(5) is a valid config (its include pattern
# pointed at an empty directory of ours).
mkdir "$tmp/conf.d"
sed -n '/^\.SH EXAMPLE/,/^\.SH /p' "$conf5" | sed -n '/^\.RS/,/^\.RE/p' |
    grep -v '^\.' | sed -e 's/\\://g' \
    -e "s|include: \".*/conf.d/|include: \"$tmp/conf.d/|" \
    >"$tmp/man-example.conf"
"$checkconf" "$tmp/man-example.conf" >"$tmp/out" 2>"$tmp/diag"
test $? -eq 0 && grep -q 'forward-addr' "$tmp/man-example.conf"
check $? "the EXAMPLE in resolute.conf.5 passes resolute-checkconf"

# --man and --example take no file; anything after them is a usage error.
"$checkconf" --man extra >"$tmp/out" 2>"$tmp/diag"
test $? -eq 2
check $? "--man with a file argument: exit 2"

echo "1..$n"
exit $failed
