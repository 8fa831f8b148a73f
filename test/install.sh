#!/bin/sh
# test/install.sh - make install into a scratch DESTDIR (TAP): the
# programs and manual pages go where configure said, the manual pages
# name the real default paths, a commented resolute.conf (every option
# at its default) is put in place and passes resolute-checkconf, and a
# second install keeps an operator's changed config.  Then the daemon,
# given a pid file under directories that do not exist, makes them, and
# removes the pid file at the end, also after dropping privileges.
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
. "$srcdir/test/tap.sh"
tap_scratch
dest="$dir/dest"
prefix=$(sed -n 's/^prefix = //p' "$builddir/Makefile")
sysconfdir=$(sed -n 's/^sysconfdir = //p' "$builddir/Makefile" |
    sed "s|\${prefix}|$prefix|")
# (Not the make running the tests: its jobserver is not ours.)
unset MAKEFLAGS MFLAGS MAKELEVEL
if make -C "$builddir" install DESTDIR="$dest" >"$dir/install.log" 2>&1; then
	ok "make install DESTDIR=..."
else
	notok "make install DESTDIR=..."
	tail -n 20 "$dir/install.log" | sed 's/^/# /'
	tap_end
	exit 1
fi
conf="$dest$sysconfdir/resolute/resolute.conf"
check "programs installed (resolute, resolute-control, resolute-checkconf)" \
    '[ -x "$(find "$dest" -name resolute -type f | head -1)" ] &&
    [ -n "$(find "$dest" -name resolute-control -type f)" ] &&
    [ -n "$(find "$dest" -name resolute-checkconf -type f)" ]'
page=$(find "$dest" -name resolute.8 | head -1)
check "resolute.8 names the real config path ($sysconfdir/resolute/resolute.conf)" \
    '[ -n "$page" ] && sed "s/\\\\://g" "$page" |
    grep -q "^\.I $sysconfdir/resolute/resolute.conf"'
check "a commented resolute.conf installed in $sysconfdir/resolute" \
    '[ -s "$conf" ] && grep -q "^	# num-threads: 1" "$conf"'
"$builddir/resolute-checkconf" "$conf" >"$dir/cc.out" 2>&1
check "it passes resolute-checkconf" '[ $? = 0 ]' || sed 's/^/# /' "$dir/cc.out"
echo "# an operator's change" >>"$conf"
make -C "$builddir" install DESTDIR="$dest" >"$dir/install2.log" 2>&1
check "a second install keeps the operator's config" \
    'grep -q "^# an operator.s change" "$conf" && grep -q "keeping" "$dir/install2.log"'

# The pid file's directory is made.
port=$(( 20000 + $$ % 20000 ))
cat >"$dir/resolute.conf" <<CONF
server:
	interface: 127.0.0.1
	port: $port
	pidfile: "$dir/run/deep/resolute.pid"
	logfile: "$dir/resolute.log"
	local-zone: "example.internal." static
remote-control:
	control-enable: yes
	control-interface: "$dir/control.sock"
CONF
RESOLUTE="$builddir/resolute"
CONTROL="$builddir/resolute-control"
tap_resolute "$dir/control.sock"
check "the daemon made $dir/run/deep for its pid file" \
    '[ "$(cat "$dir/run/deep/resolute.pid" 2>/dev/null)" = "$pid" ]'
kill "$pid"
wait "$pid" 2>/dev/null
pid=
check "the pid file is gone at the end" '[ ! -e "$dir/run/deep/resolute.pid" ]'

# Started as root with username:, the daemon gives the directory it made
# to that user, so the pid file still goes at the end.
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	chmod 755 "$dir"
	sed -i -e 's|run/deep|run2/own|' \
	    -e "s|$dir/control.sock|$dir/ctl/sub/control.sock|" \
	    -e 's|^server:$|server:\n\tusername: "nobody"|' "$dir/resolute.conf"
	tap_resolute "$dir/ctl/sub/control.sock"
	owner=$(stat -c %U "$dir/run2/own" 2>/dev/null)
	check "running as nobody: the pid file's directory is nobody's ($owner)" \
	    '[ "$owner" = nobody ] && [ -s "$dir/run2/own/resolute.pid" ]'
	kill "$pid"
	wait "$pid" 2>/dev/null
	pid=
	check "and the pid file and the control socket are gone at the end, privileges dropped" \
	    '[ ! -e "$dir/run2/own/resolute.pid" ] &&
	    [ ! -e "$dir/ctl/sub/control.sock" ] &&
	    ! grep -q "cannot remove" "$dir/resolute.log"'
else
	echo "ok $((n + 1)) # SKIP needs root and a user nobody"
	n=$((n + 1))
fi
tap_end
