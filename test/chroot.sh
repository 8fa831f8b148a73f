#!/usr/bin/env bash
# test/chroot.sh - the daemon under chroot: and username: (TAP).
#
# A chroot directory holds the config, an included file with local data
# (named by its full name from outside, as every file of the config is),
# an RFC 5011 state file and the directories the daemon makes for its pid
# file and control socket.  resolute starts as root, chroots there and
# runs as nobody; then the local data is changed and the config read
# again, once with "resolute-control reload" and once with SIGHUP, and
# the answer must follow both times.  The state file is written inside
# the chroot (write-temp-then-rename, no temporary left), a config naming
# a file outside the chroot is refused by resolute-checkconf with the
# file named, and at stop the pid file and the control socket are gone.
# Needs root, a user nobody and dig; skipped without them.  Local data
# only: no query leaves the machine.  A few seconds.
set -u
top_builddir=${top_builddir:-$(cd "$(dirname "$0")/.." && pwd)}
top_srcdir=${top_srcdir:-$top_builddir}
RESOLUTE=$top_builddir/resolute
CONTROL=$top_builddir/resolute-control
CHECKCONF=$top_builddir/resolute-checkconf

. "$top_srcdir/test/tap.sh"

if [ "$(id -u)" != 0 ] || ! id nobody >/dev/null 2>&1; then
    echo "1..0 # SKIP needs root and a user nobody"
    exit 0
fi
if ! command -v dig >/dev/null 2>&1; then
    echo "1..0 # SKIP dig not found"
    exit 0
fi

tap_scratch
chmod 755 "$dir"
jail=$dir/jail
mkdir -p "$jail/etc" "$jail/keys"
# The state file is rewritten by nobody: its directory is nobody's.
chown nobody "$jail/keys"
{
    echo "; autotrust trust anchor file"
    echo ";;id: . 1"
    echo ". 86400 IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D"
} >"$jail/keys/root.key"

# local_data ADDRESS: the included file, with www.chroot.test. at ADDRESS.
local_data() {
    cat >"$jail/etc/local.conf" <<EOF
server:
	local-zone: "chroot.test." static
	local-data: "chroot.test. 3600 IN SOA ns.chroot.test. h.chroot.test. 1 3600 600 86400 300"
	local-data: "www.chroot.test. 60 IN A $1"
EOF
}
local_data 192.0.2.1

started=0
for try in 1 2 3 4 5; do
    # Below the ephemeral range, so no outgoing socket can hold it.
    port=$(( 10000 + (RANDOM + try * 97) % 20000 ))
    cat >"$jail/etc/resolute.conf" <<EOF
server:
	interface: 127.0.0.1
	port: $port
	num-threads: 1
	verbosity: 2
	do-ip6: no
	module-config: "iterator"
	chroot: "$jail"
	username: "nobody"
	pidfile: "$jail/run/resolute.pid"
	logfile: "$dir/resolute.log"
	auto-trust-anchor-file: "$jail/keys/root.key"
	include: "$jail/etc/local.conf"
remote-control:
	control-enable: yes
	control-interface: "$jail/ctl/control.sock"
EOF
    : >"$dir/resolute.log"
    "$RESOLUTE" -d -c "$jail/etc/resolute.conf" 2>>"$dir/stderr" &
    pid=$!
    for i in $(seq 1 50); do
        if [ -S "$jail/ctl/control.sock" ] && [ -s "$jail/run/resolute.pid" ] &&
            grep -q "started" "$dir/resolute.log"; then
            started=1
            break
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    [ $started = 1 ] && break
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=
done
check "resolute starts under chroot: as nobody" '[ $started = 1 ]'
if [ $started != 1 ]; then
    cat "$dir/stderr" "$dir/resolute.log" 2>/dev/null | sed 's/^/# /'
    tap_end
    exit 1
fi
check "the log says it chrooted and dropped privileges" \
    'grep -q "chrooted to $jail" "$dir/resolute.log" &&
    grep -q "dropped privileges to user nobody" "$dir/resolute.log"'
check "the pid file holds the daemon's pid" \
    '[ "$(cat "$jail/run/resolute.pid")" = "$pid" ]'

C="$CONTROL -c $jail/etc/resolute.conf"
D="dig +short +time=2 +tries=1 -p $port @127.0.0.1 www.chroot.test. A"
# answer ADDRESS: the local data answers ADDRESS.
answer() {
    got=$($D 2>&1)
    [ "$got" = "$1" ] || { echo "# got '$got', want '$1'"; return 1; }
}
check "the local data of the include answers (A1)" 'answer 192.0.2.1'

# The RFC 5011 state file, written at start as nobody, inside the chroot.
check "the state file is written inside the chroot, by rename" \
    'grep -q "^;;last_queried" "$jail/keys/root.key" &&
    [ -z "$(ls "$jail/keys" | grep -v "^root.key$")" ] &&
    ! grep -q "cannot be written" "$dir/resolute.log"'

local_data 192.0.2.2
out=$($C reload 2>&1); rc=$?
echo "$out" | sed 's/^/# reload: /'
check "resolute-control reload says ok" \
    '[ $rc -eq 0 ] && echo "$out" | grep -q "^ok"'
check "after the reload the changed include answers (A2)" 'answer 192.0.2.2'

local_data 192.0.2.3
dones=$(grep -c "reload: done" "$dir/resolute.log")
kill -HUP "$pid"
for i in $(seq 1 30); do
    [ "$(grep -c "reload: done" "$dir/resolute.log")" -gt "$dones" ] && break
    sleep 0.1
done
check "SIGHUP: the log says reload: done" \
    '[ "$(grep -c "reload: done" "$dir/resolute.log")" -gt "$dones" ]'
check "after SIGHUP the changed include answers (A3)" 'answer 192.0.2.3'
check "no reload error was logged" \
    '! grep -q "reload: config has errors\|cannot open" "$dir/resolute.log"'

# A file outside the chroot could not be read after chroot: refused,
# named.
sed -e "s|^\tinclude: .*|&\n\ttrust-anchor-file: \"$dir/outside.ds\"|" \
    "$jail/etc/resolute.conf" >"$jail/etc/outside.conf"
echo "example. 3600 IN DS 1 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D" >"$dir/outside.ds"
out=$("$CHECKCONF" "$jail/etc/outside.conf" 2>&1); rc=$?
check "checkconf refuses a trust-anchor-file outside the chroot, named" \
    '[ $rc -ne 0 ] && echo "$out" | grep -q "$dir/outside.ds.*outside the chroot"' ||
    echo "$out" | sed 's/^/# /'
out=$("$CHECKCONF" "$jail/etc/resolute.conf" 2>&1); rc=$?
check "checkconf passes the config of the running daemon" '[ $rc -eq 0 ]' ||
    echo "$out" | sed 's/^/# /'

kill "$pid"
wait "$pid" 2>/dev/null
pid=
check "at stop the pid file is gone" '[ ! -e "$jail/run/resolute.pid" ]'
check "at stop the control socket is gone" '[ ! -e "$jail/ctl/control.sock" ]'
check "nothing failed to be removed" \
    '! grep -q "cannot remove" "$dir/resolute.log"' ||
    grep "cannot remove" "$dir/resolute.log" | sed 's/^/# /'
# Under a sanitizer build its reports go to stderr.  (LeakSanitizer
# cannot work in a chroot without /proc and says so at exit: not a
# report about the daemon.)
check "no AddressSanitizer or UndefinedBehaviorSanitizer report" \
    '! grep -q "ERROR: AddressSanitizer\|runtime error:" "$dir/stderr"' ||
    sed 's/^/# /' "$dir/stderr"
tap_end
