#!/bin/sh
# test/packaging.sh - the deployment files of contrib/ (TAP): the systemd
# unit passes systemd-analyze verify without a warning (with the built
# programs in place of the installed ones) and its hardening rates as
# "OK" or better in systemd-analyze security (offline).  Skipped without
# systemd-analyze.
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
. "$srcdir/test/tap.sh"
if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "1..0 # SKIP systemd-analyze not installed"
	exit 0
fi
tap_scratch
unit="$dir/resolute.service"
sed -e "s|/usr/sbin/resolute-checkconf|$builddir/resolute-checkconf|" \
    -e "s|/usr/sbin/resolute |$builddir/resolute |" \
    "$srcdir/contrib/resolute.service" >"$unit"
systemd-analyze verify --man=no "$unit" >"$dir/verify" 2>&1
st=$?
check "systemd-analyze verify: no warning (exit $st)" \
    '[ $st = 0 ] && [ ! -s "$dir/verify" ]' || sed 's/^/# /' "$dir/verify"
systemd-analyze security --offline=yes "$unit" >"$dir/security" 2>&1
level=$(sed -n 's/.*Overall exposure level for resolute.service: \([0-9.]*\).*/\1/p' \
    "$dir/security")
check "systemd-analyze security: exposure $level of 10, at most 2.0" \
    '[ -n "$level" ] && awk -v l="$level" "BEGIN { exit !(l <= 2.0) }"' ||
    tail -n 5 "$dir/security" | sed 's/^/# /'
check "the unit runs the daemon in the foreground, checks the config first and reloads by SIGHUP" \
    'grep -q "^ExecStart=.*resolute -d -c " "$unit" &&
    grep -q "^ExecStartPre=.*resolute-checkconf " "$unit" &&
    grep -q "^ExecReload=/bin/kill -HUP \$MAINPID" "$unit"'
tap_end
