#!/bin/sh
# test/anchor.sh - resolute-anchor against root-anchors.xml files signed
# here (TAP).  A test CA and signer are made with the openssl command, the
# XML of testdata/anchor/ and variants of it are signed as IANA does (a
# detached CMS signature), and resolute-anchor must write only the valid
# digests, and refuse a tampered file, another CA's signature, malformed
# XML and a file whose keys are all expired, leaving the anchor file as it
# was.  The written file must load through anchors_apply_config() (the
# "-c" mode of test/test_anchor).  Without openssl every case is skipped.
here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$here/..}"
: "${top_builddir:=$here/..}"
prog="$top_builddir/resolute-anchor"
check="$top_builddir/test/test_anchor"
xml_src="$top_srcdir/testdata/anchor/root-anchors.xml"
n=0
failed=0
# Cases after the manual page checks, all needing openssl.
planned=30

if [ ! -x "$prog" ] || [ ! -x "$check" ]; then
	echo "1..1"
	echo "ok 1 # SKIP resolute-anchor or test/test_anchor not built"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/anchor.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/diag"

# check STATUS DESCRIPTION: passes when STATUS is 0; on failure the
# diagnostics collected in $tmp/diag are shown as TAP comments.
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

# The manual page: formats without warnings, and its SYNOPSIS shows
# every flag the usage text lists.
page="$top_builddir/doc/resolute-anchor.8"
if command -v groff >/dev/null 2>&1; then
	groff -man -ww -z "$page" >"$tmp/diag" 2>&1
	test ! -s "$tmp/diag"
	check $? "groff -man -ww: no warnings in resolute-anchor.8"
else
	skip "groff not installed: resolute-anchor.8 not formatted"
fi
"$prog" -h >"$tmp/usage" 2>&1
sed -n '/^\.SH SYNOPSIS/,/^\.SH /p' "$page" |
    sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' >"$tmp/syn"
for f in $(sed -n 's/^  \(-[a-z]\) .*/\1/p' "$tmp/usage"); do
	grep -qE -- "(^|[^-A-Za-z0-9])-[A-Za-z]*${f#-}" "$tmp/syn" ||
	    echo "SYNOPSIS lacks $f" >>"$tmp/diag"
done
test "$(grep -c '^  -[a-z] ' "$tmp/usage")" -eq 10 && test ! -s "$tmp/diag"
check $? "resolute-anchor.8 SYNOPSIS shows the 10 flags of -h"

if ! command -v openssl >/dev/null 2>&1; then
	i=1
	while [ $i -le $planned ]; do
		skip "the openssl command is not installed"
		i=$((i + 1))
	done
	echo "1..$n"
	exit $failed
fi
planned=$((planned + n))

# ca NAME: a self-signed CA and a signer certificate it issued.
ca() {
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/$1-ca.key" \
	    -out "$tmp/$1-ca.pem" -days 30 -subj "/CN=$1 test root CA" \
	    -addext "basicConstraints=critical,CA:TRUE" \
	    -addext "keyUsage=critical,keyCertSign,cRLSign" &&
	openssl req -newkey rsa:2048 -nodes -keyout "$tmp/$1-signer.key" \
	    -out "$tmp/$1-signer.csr" \
	    -subj "/CN=$1 anchor signer/emailAddress=dnssec@$1.test" &&
	openssl x509 -req -in "$tmp/$1-signer.csr" -CA "$tmp/$1-ca.pem" \
	    -CAkey "$tmp/$1-ca.key" -CAcreateserial -days 30 \
	    -out "$tmp/$1-signer.pem"
}

# sign CA XML OUT [FORMAT [MODE]]: a detached signature of XML by CA's
# signer, DER unless FORMAT says PEM, binary unless MODE is "text".
sign() {
	mode=-binary
	[ "${5:-}" = text ] && mode=
	openssl cms -sign $mode -in "$2" -signer "$tmp/$1-signer.pem" \
	    -inkey "$tmp/$1-signer.key" -outform "${4:-DER}" -out "$3"
}

# run XML P7S [CA] [more flags]: resolute-anchor on the anchor file
# $tmp/root.key; its status is returned, its output is in $tmp/out and
# $tmp/err.
run() {
	xml=$1 p7s=$2 cacert=${3:-$tmp/good-ca.pem}
	if [ $# -ge 3 ]; then
		shift 3
	else
		shift $#
	fi
	"$prog" -e dnssec@good.test -f "$xml" -s "$p7s" -r "$cacert" -a "$tmp/root.key" "$@" \
	    >"$tmp/out" 2>"$tmp/err"
}

# sum FILE: a checksum, or "none" when the file is missing.
sum() {
	if [ -f "$1" ]; then
		cksum <"$1"
	else
		echo none
	fi
}

ca good >"$tmp/diag" 2>&1 && ca evil >>"$tmp/diag" 2>&1
check $? "a test CA and a second CA with their signers made with openssl"

cp "$xml_src" "$tmp/good.xml"
sign good "$tmp/good.xml" "$tmp/good.p7s" >"$tmp/diag" 2>&1
check $? "root-anchors.xml signed (detached CMS, DER)"

# 1. The good file: only the two valid digests are written.
run "$tmp/good.xml" "$tmp/good.p7s" "" -v
st=$?
cat "$tmp/err" "$tmp/root.key" >"$tmp/diag" 2>&1
test $st -eq 0 &&
    grep -q '^\.	IN	DS	20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D$' "$tmp/root.key" &&
    grep -q '^\.	IN	DS	38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16$' "$tmp/root.key" &&
    test "$(grep -c 'IN	DS' "$tmp/root.key")" -eq 2
check $? "good file: the DS of 20326 and 38696 written, exit 0"

grep -q 19036 "$tmp/root.key"
test $? -ne 0 && grep -q 'left out: key tag 19036.*expired' "$tmp/err"
check $? "the expired KeyDigest (19036, validUntil 2019) is left out"

grep -q 11111 "$tmp/root.key"
test $? -ne 0 && grep -q 'left out: key tag 11111.*not valid yet' "$tmp/err"
check $? "the KeyDigest valid from 2099 is left out"

"$check" -c "$tmp/root.key" >"$tmp/out" 2>"$tmp/diag"
test $? -eq 0 && grep -q 'key tag 20326, algorithm 8, digest type 2' \
    "$tmp/out" && grep -q 'key tag 38696' "$tmp/out" &&
    grep -q '^; trust anchors: 1$' "$tmp/out"
check $? "the written file loads through anchors_apply_config()"

ls "$tmp" | grep 'root\.key\.tmp' >"$tmp/diag"
test ! -s "$tmp/diag" && test "$(stat -c %a "$tmp/root.key" 2>/dev/null ||
    echo 644)" = 644
check $? "no temporary file left behind, mode 644"

before=$(sum "$tmp/root.key")
# A second run changes nothing.
run "$tmp/good.xml" "$tmp/good.p7s" "" -v
st=$?
cat "$tmp/err" >"$tmp/diag"
test $st -eq 0 && test "$(sum "$tmp/root.key")" = "$before" &&
    grep -q 'up to date' "$tmp/err"
check $? "a second run: up to date, file unchanged"

# Dry run: prints, writes nothing.
"$prog" -e dnssec@good.test -n -f "$tmp/good.xml" -s "$tmp/good.p7s" -r "$tmp/good-ca.pem" \
    -a "$tmp/dry.key" >"$tmp/out" 2>"$tmp/diag"
test $? -eq 0 && test ! -e "$tmp/dry.key" && cmp -s "$tmp/out" "$tmp/root.key"
check $? "-n prints what would be written and writes nothing"

# refused DESCRIPTION PATTERN: the last run failed with status 1, said
# PATTERN, and left the anchor file as it was.
refused() {
	st=$?
	cat "$tmp/err" >"$tmp/diag"
	test $st -eq 1 && test "$(sum "$tmp/root.key")" = "$before" &&
	    grep -q "$2" "$tmp/err" && grep -q 'left unchanged' "$tmp/err"
	check $? "$1"
}

# 2. One digit of a digest changed after signing.
sed 's/E06D44B80B8F/E06D44B80B8E/' "$tmp/good.xml" >"$tmp/tampered.xml"
cmp -s "$tmp/good.xml" "$tmp/tampered.xml" && echo "sed changed nothing"
run "$tmp/tampered.xml" "$tmp/good.p7s"
refused "tampered XML (one digit): refused, anchor file unchanged" \
    'signature not valid'

# 3. Signed by another CA's signer.
sign evil "$tmp/good.xml" "$tmp/evil.p7s" >"$tmp/diag" 2>&1
run "$tmp/good.xml" "$tmp/evil.p7s"
refused "signature by another CA: refused, anchor file unchanged" \
    'signature not valid'

# ... and the other CA given as the trusted one does not help the good
# signature either.
run "$tmp/good.xml" "$tmp/good.p7s" "$tmp/evil-ca.pem"
refused "good signature checked against the wrong CA: refused" \
    'signature not valid'

# 4. Malformed XML, properly signed.
sed 's|</KeyDigest>|</KeyDigst>|' "$tmp/good.xml" >"$tmp/malformed.xml"
sign good "$tmp/malformed.xml" "$tmp/malformed.p7s" 2>"$tmp/diag"
run "$tmp/malformed.xml" "$tmp/malformed.p7s"
refused "malformed XML: refused, anchor file unchanged" \
    'malformed.xml:[0-9]*: malformed XML'

# 5. All digests expired.
sed -e 's/validFrom="2017-02-02T00:00:00+00:00"/&  validUntil="2020-01-01T00:00:00Z"/' \
    -e 's/validFrom="2024-07-18T00:00:00Z"/& validUntil="2025-01-01T00:00:00Z"/' \
    -e '/Kfuture/,/<\/KeyDigest>/d' "$tmp/good.xml" >"$tmp/expired.xml"
sign good "$tmp/expired.xml" "$tmp/expired.p7s" 2>"$tmp/diag"
run "$tmp/expired.xml" "$tmp/expired.p7s"
refused "all digests expired: refused, anchor file unchanged" \
    'no KeyDigest is valid'

# 6. A DOCTYPE (an entity expansion attack) is refused.
{
	echo '<?xml version="1.0"?>'
	echo '<!DOCTYPE TrustAnchor [ <!ENTITY a "aaaaaaaaaa"> ]>'
	sed 1d "$tmp/good.xml"
} >"$tmp/doctype.xml"
sign good "$tmp/doctype.xml" "$tmp/doctype.p7s" 2>"$tmp/diag"
run "$tmp/doctype.xml" "$tmp/doctype.p7s"
refused "a DOCTYPE is refused" 'DOCTYPE TrustAnchor not allowed'

# 7. A digest of the wrong length for SHA-256, signed.
sed 's|>683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16<|>683D2D0ACB8C<|' \
    "$tmp/good.xml" >"$tmp/short.xml"
sign good "$tmp/short.xml" "$tmp/short.p7s" 2>"$tmp/diag"
run "$tmp/short.xml" "$tmp/short.p7s"
refused "a short SHA-256 digest is refused with the XML line" \
    'short.xml:[0-9]*: DS for \.: digest of 6 octets'

# 8. A KeyDigest without its Digest, signed.
sed '/<Digest>E06D/d' "$tmp/good.xml" >"$tmp/nodigest.xml"
sign good "$tmp/nodigest.xml" "$tmp/nodigest.p7s" 2>"$tmp/diag"
run "$tmp/nodigest.xml" "$tmp/nodigest.p7s"
refused "a KeyDigest without Digest is refused" \
    'KeyDigest Klatest lacks'

# 9. A signature file that is no signature; missing files.
echo "not a signature" >"$tmp/junk.p7s"
run "$tmp/good.xml" "$tmp/junk.p7s"
refused "a junk signature file is refused" 'not a CMS/PKCS#7 signature'
run "$tmp/missing.xml" "$tmp/good.p7s"
refused "a missing XML file is refused" 'cannot open .*missing.xml'

# 10. Other ways to sign: text mode (CRLF canonical form), PEM.
sign good "$tmp/good.xml" "$tmp/text.p7s" DER text 2>"$tmp/diag"
"$prog" -e dnssec@good.test -n -f "$tmp/good.xml" -s "$tmp/text.p7s" -r "$tmp/good-ca.pem" \
    >"$tmp/out" 2>"$tmp/diag"
test $? -eq 0 && cmp -s "$tmp/out" "$tmp/root.key"
check $? "a text-mode signature is accepted too"
sign good "$tmp/good.xml" "$tmp/pem.p7s" PEM 2>"$tmp/diag"
"$prog" -e dnssec@good.test -n -f "$tmp/good.xml" -s "$tmp/pem.p7s" -r "$tmp/good-ca.pem" \
    >"$tmp/out" 2>"$tmp/diag"
test $? -eq 0 && cmp -s "$tmp/out" "$tmp/root.key"
check $? "a PEM signature is accepted too"

# 11. -t: in mid-2017 the 2010 key was still valid and the 2024 one not.
"$prog" -e dnssec@good.test -n -t 1500000000 -f "$tmp/good.xml" -s "$tmp/good.p7s" \
    -r "$tmp/good-ca.pem" >"$tmp/out" 2>"$tmp/diag"
test $? -eq 0 && grep -q 'DS	19036 8 2' "$tmp/out" &&
    grep -q 'DS	20326 8 2' "$tmp/out" && ! grep -q 38696 "$tmp/out"
cat "$tmp/out" >>"$tmp/diag"
check $? "-t 1500000000 (2017): 19036 and 20326 selected, 38696 not yet"

# 12. The signer's address: IANA's by default, ours only when named.
"$prog" -n -f "$tmp/good.xml" -s "$tmp/good.p7s" -r "$tmp/good-ca.pem" \
    >"$tmp/out" 2>"$tmp/err"
st=$?
cat "$tmp/err" >"$tmp/diag"
test $st -eq 1 && grep -q 'is not for dnssec@iana.org' "$tmp/err"
check $? "by default the signer must be dnssec@iana.org: ours is refused"
"$prog" -n -e other@good.test -f "$tmp/good.xml" -s "$tmp/good.p7s" \
    -r "$tmp/good-ca.pem" >"$tmp/out" 2>"$tmp/err"
st=$?
cat "$tmp/err" >"$tmp/diag"
test $st -eq 1 && grep -q 'is not for other@good.test' "$tmp/err"
check $? "-e with another address: refused"
"$prog" -n -e "" -f "$tmp/good.xml" -s "$tmp/good.p7s" \
    -r "$tmp/good-ca.pem" >"$tmp/out" 2>"$tmp/diag"
test $? -eq 0 && cmp -s "$tmp/out" "$tmp/root.key"
check $? "-e \"\": any signer the CA certified is accepted"

# 13. Usage errors: exit 2, nothing written.
"$prog" -f "$tmp/good.xml" -s "$tmp/good.p7s" -a "$tmp/u.key" \
    >"$tmp/out" 2>"$tmp/diag"
st=$?
"$prog" -x >>"$tmp/out" 2>>"$tmp/diag"
st2=$?
test $st -eq 2 && test $st2 -eq 2 && test ! -e "$tmp/u.key" &&
    grep -q '^usage: resolute-anchor' "$tmp/diag"
check $? "no -r, an unknown flag: usage, exit 2"

# 14. An anchor file in a directory that does not exist: exit 1.
"$prog" -e "" -f "$tmp/good.xml" -s "$tmp/good.p7s" -r "$tmp/good-ca.pem" \
    -a "$tmp/nodir/root.key" >"$tmp/out" 2>"$tmp/err"
st=$?
cat "$tmp/err" >"$tmp/diag"
test $st -eq 1 && grep -q 'cannot create a temporary file' "$tmp/err"
check $? "an unwritable anchor file location: exit 1"

# 15. The file is an RFC 5011 state file; once the daemon tracks its
# keys (a DNSKEY with a state), it is left alone unless -o.
head -2 "$tmp/root.key" >"$tmp/diag"
test "$(sed -n 1p "$tmp/root.key")" = "; autotrust trust anchor file" &&
    test "$(sed -n 2p "$tmp/root.key")" = ";;id: . 1"
check $? "the anchor file starts as an RFC 5011 state file"
cat >"$tmp/tracked.key" <<'KEY'
; autotrust trust anchor file
;;id: . 1
;;last_success: 1790000000 ;;Tue Sep 22 12:26:40 2026
.	86400	IN	DNSKEY	257 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4= ;{id = 1 (ksk), size = 256b} ;;state=2 [  VALID  ] ;;count=0 ;;lastchange=1780000000
KEY
before=$(sum "$tmp/tracked.key")
"$prog" -e "" -f "$tmp/good.xml" -s "$tmp/good.p7s" -r "$tmp/good-ca.pem" \
    -a "$tmp/tracked.key" >"$tmp/out" 2>"$tmp/err"
st=$?
cat "$tmp/err" >"$tmp/diag"
test $st -eq 0 && test "$(sum "$tmp/tracked.key")" = "$before" &&
    grep -q 'kept by RFC 5011' "$tmp/err"
check $? "a file whose keys the daemon tracks is left alone"
"$prog" -o -e "" -f "$tmp/good.xml" -s "$tmp/good.p7s" -r "$tmp/good-ca.pem" \
    -a "$tmp/tracked.key" >"$tmp/out" 2>"$tmp/err"
st=$?
cat "$tmp/err" >"$tmp/diag"
test $st -eq 0 && cmp -s "$tmp/tracked.key" "$tmp/root.key"
check $? "-o replaces it"

echo "1..$n"
test "$n" -eq "$planned" || echo "# $n tests run, $planned planned"
exit $failed
