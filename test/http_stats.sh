#!/usr/bin/env bash
# test/http_stats.sh - the statistics of a resolute under load from the
# test world (TAP): the counters of stats_json and /api/stats against the
# queries sent (per type, the rolling 60 s window, EDE of the bogus
# names), stats' rates, /metrics through promtool (Debian's prometheus)
# with its counters summed, the access list (403, a reload that changes
# it), bad requests (405, 404, 400, a header flood) and idle connections
# that delay nobody, HTTPS with the control certificates, and the page
# in headless Chromium: the SVG graphs rendered from live data (the DOM
# after its scripts ran, a screenshot with the series' colour in it,
# kept as test/stats-page.png in the build directory).
# promtool and chromium are optional: their cases are skipped (and said
# so) when they are not installed.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
RESOLUTE="$builddir/resolute"
CONTROL="$builddir/resolute-control"
SETUP="$builddir/resolute-control-setup"
PY="$srcdir/test/http_stats.py"

. "$srcdir/test/world.sh"
command -v curl >/dev/null 2>&1 || world_skip "curl not installed"
world_prereqs http_stats
n=0
fail=0
pid=
pid2=
idlepid=
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fail=1; echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
check() { if eval "$2"; then ok "$1"; else notok "$1"; return 1; fi; }
cleanup() {
	for p in $pid $pid2 $idlepid; do
		if kill -0 "$p" 2>/dev/null; then
			kill "$p"
			wait "$p" 2>/dev/null
		fi
	done
	"$TW" -d "$dir/state" stop >/dev/null 2>&1
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

world_small

port=$(( 20000 + $$ % 5000 ))
hport=$(( port + 5000 ))
url="http://127.0.0.1:$hport"
write_conf() {
	{ world_conf "$port"; cat <<CONF
	http-stats-interface: 127.0.0.1
	http-stats-port: $hport
$1
remote-control:
	control-enable: yes
	control-interface: "$dir/control.sock"
CONF
	} >"$dir/resolute.conf"
}
write_conf "	http-stats-access-control: 127.0.0.3 refuse"
world_resolute "resolute with the HTTP endpoint starts"

# The load: every name of the world once, then 37 MX queries, so one
# type's count is known exactly.
awk -F '\t' '!/^#/ && $2 != "MX"' "$dir/state/names.txt" >"$dir/load.txt"
nload=$(wc -l <"$dir/load.txt")
for i in $(seq 1 37); do
	printf 'mx%d.http-stats.test.\tMX\n' "$i"
done >"$dir/mx.txt"
read -r sent answered < <(python3 "$PY" queries "$port" "$dir/load.txt" 20)
python3 "$PY" queries "$port" "$dir/mx.txt" 10 >/dev/null
check "the world's $nload names answered ($answered)" \
	'[ "$sent" = "$nload" ] && [ $((answered * 100)) -ge $((nload * 98)) ]'
nbogus=$(awk -F '\t' '!/^#/ && $4 == "bogus"' "$dir/load.txt" | wc -l)
sleep 2.2

"$CONTROL" -c "$dir/resolute.conf" stats_json >"$dir/c.json"
check "stats_json is JSON" \
	'python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$dir/c.json"'
mx=$(python3 "$PY" json-get "$dir/c.json" totals/qtype.MX)
check "stats_json counts the 37 MX queries ($mx)" '[ "$mx" = 37 ]'
mx60=$(python3 "$PY" json-get "$dir/c.json" windows/60s/series/qtype.MX)
check "the 60 s window holds the 37 MX queries ($mx60)" '[ "$mx60" = 37 ]'
q=$(python3 "$PY" json-get "$dir/c.json" totals/queries)
q60=$(python3 "$PY" json-get "$dir/c.json" windows/60s/series/queries)
check "the 60 s window holds every query ($q60 of $q)" \
	'[ "$q" -ge $((nload + 37)) ] && [ "$q60" = "$q" ]'
h=$(python3 "$PY" json-get "$dir/c.json" windows/60m/series/cache_misses)
check "the minute in progress shows in the 60 min window ($h misses)" \
	'[ "$h" != missing ] && [ "$h" -gt 0 ]'
b=$(python3 "$PY" json-get "$dir/c.json" totals/bogus)
e=$(python3 - "$dir/c.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(sum(v for k, v in d["totals"].items() if k.startswith("ede.")))
PY
)
check "bogus answers ($b) and their EDE codes ($e) are counted ($nbogus bogus names)" \
	'[ "$nbogus" -gt 0 ] && [ "$b" -ge "$nbogus" ] && [ "$e" -ge "$nbogus" ]'
p50=$(python3 "$PY" json-get "$dir/c.json" latency_ms/p99)
check "answer time percentiles are given (p99 $p50 ms)" \
	'python3 -c "import sys; assert 0 < float(sys.argv[1]) < 10000" "$p50"'
"$CONTROL" -c "$dir/resolute.conf" stats_noreset >"$dir/stats.txt"
r=$(sed -n 's/^rate\.60s\.qtype\.MX=//p' "$dir/stats.txt")
s=$(sed -n 's/^rate\.60s\.seconds=//p' "$dir/stats.txt")
check "stats gives the 60 s rate of MX ($r/s over $s s)" \
	'python3 -c "import sys; r, s = float(sys.argv[1]), int(sys.argv[2]); assert s > 0 and abs(r * s - 37) < 1" "$r" "$s"'

# /api/stats and /metrics
curl -s -o "$dir/api.json" -w '%{http_code} %{content_type}' \
	"$url/api/stats" >"$dir/api.code"
check "/api/stats answers JSON ($(cat "$dir/api.code"))" \
	'grep -q "^200 application/json" "$dir/api.code" && [ "$(python3 "$PY" json-get "$dir/api.json" totals/qtype.MX)" = 37 ]'
curl -s -o "$dir/metrics.txt" -w '%{http_code}' "$url/metrics" >"$dir/m.code"
check "/metrics answers" '[ "$(cat "$dir/m.code")" = 200 ]'
if command -v promtool >/dev/null 2>&1; then
	promtool check metrics <"$dir/metrics.txt" >"$dir/promtool.out" 2>&1
	prc=$?
	check "promtool check metrics passes, no lint problem" \
		'[ $prc = 0 ] && [ ! -s "$dir/promtool.out" ]' ||
		sed 's/^/# /' "$dir/promtool.out" | head -20
else
	skip "promtool not installed (Debian package prometheus)"
fi
if python3 "$srcdir/test/grafana_check.py" \
	"$srcdir/contrib/grafana-dashboard.json" "$dir/metrics.txt" \
	"$dir/rules.yml" >"$dir/grafana.out" 2>&1; then
	ok "the Grafana dashboard's metrics and labels are on /metrics ($(tail -1 "$dir/grafana.out"))"
else
	notok "the Grafana dashboard's metrics and labels are on /metrics"
	sed 's/^/# /' "$dir/grafana.out" | head -10
fi
if command -v promtool >/dev/null 2>&1; then
	check "promtool parses every query of the dashboard" \
		'promtool check rules "$dir/rules.yml" >"$dir/rules.out" 2>&1' ||
		sed 's/^/# /' "$dir/rules.out" | head -10
else
	skip "promtool not installed: the dashboard's queries are not parsed"
fi
mxm=$(sed -n 's/^resolute_query_types_total{qtype="MX"} //p' "$dir/metrics.txt")
check "/metrics counts the 37 MX queries ($mxm)" '[ "$mxm" = 37 ]'
qt=$(awk '/^resolute_queries_total\{thread=/ { s += $2 } END { print s + 0 }' \
	"$dir/metrics.txt")
nth=$(grep -c '^resolute_queries_total{thread=' "$dir/metrics.txt")
check "/metrics: queries per thread ($nth threads) sum to the total ($qt)" \
	'[ "$nth" = 2 ] && [ "$qt" -ge "$q" ]'
hc=$(sed -n 's/^resolute_answer_duration_seconds_count //p' "$dir/metrics.txt")
hi=$(sed -n 's/^resolute_answer_duration_seconds_bucket{le="+Inf"} //p' "$dir/metrics.txt")
check "/metrics: the latency histogram counts the answers ($hc)" \
	'[ -n "$hc" ] && [ "$hc" = "$hi" ] && [ "$hc" -ge "$nload" ]'

# The access list: 127.0.0.3 is refused, 127.0.0.1 allowed; a reload
# that refuses 127.0.0.1 applies at once.
c3=$(python3 "$PY" get "$url/metrics" 127.0.0.3 | head -1)
check "a refused address gets 403 ($c3)" '[ "${c3%% *}" = 403 ]'
write_conf "	http-stats-access-control: 127.0.0.1 refuse"
"$CONTROL" -c "$dir/resolute.conf" reload >/dev/null
c1=$(curl -s -o /dev/null -w '%{http_code}' "$url/metrics")
c3=$(python3 "$PY" get "$url/metrics" 127.0.0.3 | head -1)
check "after a reload 127.0.0.1 is refused ($c1), 127.0.0.3 allowed (${c3%% *})" \
	'[ "$c1" = 403 ] && [ "${c3%% *}" = 200 ]'
write_conf ""
"$CONTROL" -c "$dir/resolute.conf" reload >/dev/null

# Bad requests, and idle connections that hold nothing up.
r1=$(python3 "$PY" raw "$hport" 'POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n')
r2=$(python3 "$PY" raw "$hport" 'GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n')
r3=$(python3 "$PY" raw "$hport" '\x00\x01garbage\r\n\r\n')
r4=$(python3 "$PY" raw "$hport" "GET / HTTP/1.1\r\nX: $(head -c 20000 /dev/zero | tr '\0' a)\r\n\r\n")
check "POST is refused ($r1), an unknown path is 404 ($r2)" \
	'[ "${r1#* }" != "${r1#* 405}" ] && [ "${r2#* }" != "${r2#* 404}" ]'
check "garbage ($r3) and a 20 kB header ($r4) get an error or a close" \
	'case "$r3" in *" 200 "*) false;; esac && case "$r4" in *" 200 "*) false;; esac'
python3 "$PY" idle "$hport" 20 8 &
idlepid=$!
sleep 0.5
t0=$(date +%s%N)
code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$url/metrics")
ans=$(dig +short +tries=1 +time=2 -p "$port" @127.0.0.1 . SOA | wc -l)
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "with 20 idle HTTP connections /metrics ($code) and DNS ($ans) answer in $ms ms" \
	'[ "$code" = 200 ] && [ "$ans" = 1 ] && [ $ms -lt 2000 ]'
kill "$idlepid" 2>/dev/null
wait "$idlepid" 2>/dev/null
idlepid=
check "the daemon is still running" 'kill -0 "$pid"'

# The page in headless Chromium: the DOM after its scripts ran (the
# SVG lines drawn from the data, one update fetched), and a screenshot.
chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$chrome" ]; then
	python3 "$PY" queries "$port" "$dir/load.txt" 10 >/dev/null
	copt="--headless --no-sandbox --disable-gpu --hide-scrollbars \
		--no-first-run --disable-extensions --disable-dev-shm-usage \
		--user-data-dir=$dir/chrome"
	timeout 60 "$chrome" $copt --virtual-time-budget=5000 --dump-dom \
		"$url/" >"$dir/dom.html" 2>"$dir/chrome.log"
	nsvg=$(grep -o '<svg class="chart"' "$dir/dom.html" | wc -l)
	upd=$(sed -n 's/.*<body data-updates="\([0-9]*\)".*/\1/p' "$dir/dom.html")
	check "Chromium renders the page: $nsvg SVG charts, $upd updates fetched" \
		'[ "$nsvg" -ge 8 ] && [ "${upd:-0}" -ge 1 ]' ||
		sed 's/^/# /' "$dir/chrome.log" | tail -5
	python3 - "$dir/dom.html" >"$dir/dom.check" <<'PY'
import re, sys
dom = open(sys.argv[1]).read()
lines = re.findall(r'<path class="series"[^>]*>', dom)
def attr(tag, name):
    m = re.search(name + r'="([^"]*)"', tag)
    return m.group(1) if m else None
drawn = {attr(l, "data-series"): l for l in lines}
mx = drawn.get("qtype.MX")
ok = mx is not None and float(attr(mx, "data-max")) > 0
pts = [tuple(map(float, p[1:].split(","))) for p in attr(mx, "d").split()] if mx else []
ys = set(y for _, y in pts)
ok = ok and len(pts) >= 2 and len(ys) >= 2
for s in ("qtype.A", "rcode.NOERROR", "hit_ratio", "latency.p50", "secure", "upstream_udp"):
    ok = ok and s in drawn
print("ok" if ok else "bad", len(lines), sorted(k for k in drawn if k)[:12])
PY
	check "the graphs hold the live series: $(cat "$dir/dom.check")" \
		'[ "$(cut -d" " -f1 "$dir/dom.check")" = ok ]'
	mkdir -p "$builddir/test"
	rm -f "$builddir/test/stats-page.png"
	timeout 60 "$chrome" $copt --virtual-time-budget=3000 \
		--window-size=1400,1000 \
		--screenshot="$builddir/test/stats-page.png" "$url/" \
		>>"$dir/chrome.log" 2>&1
	if [ -s "$builddir/test/stats-page.png" ]; then
		read -r w h ncol blue < <(python3 "$PY" png \
			"$builddir/test/stats-page.png" "#4f8cff")
	else
		w=0 h=0 ncol=0 blue=0
	fi
	check "the screenshot (${w}x$h, $ncol colours) shows the first series' lines ($blue px)" \
		'[ "$w" = 1400 ] && [ "$ncol" -gt 50 ] && [ "$blue" -gt 500 ]'
else
	skip "chromium not installed: the page is not rendered"
	skip "chromium not installed: no graph checked"
	skip "chromium not installed: no screenshot"
fi

# HTTPS with the control channel's certificates, on a second instance
# (local data only, no recursion needed).
"$SETUP" -d "$dir/keys" >/dev/null 2>&1
hport2=$(( hport + 1 ))
cat >"$dir/tls.conf" <<CONF
server:
	interface: 127.0.0.1
	port: $(( port + 1 ))
	pidfile: "$dir/tls.pid"
	logfile: "$dir/tls.log"
	http-stats-interface: 127.0.0.1
	http-stats-port: $hport2
	http-stats-use-cert: yes
remote-control:
	control-enable: yes
	control-interface: "$dir/tls.sock"
	server-key-file: "$dir/keys/resolute_server.key"
	server-cert-file: "$dir/keys/resolute_server.pem"
CONF
"$RESOLUTE" -d -c "$dir/tls.conf" 2>"$dir/tls.stderr" &
pid2=$!
for i in $(seq 1 50); do
	[ -S "$dir/tls.sock" ] && break
	sleep 0.1
done
ts=$(curl -s -k -o /dev/null -w '%{http_code}' "https://127.0.0.1:$hport2/metrics")
tp=$(curl -s -m 3 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$hport2/metrics")
check "http-stats-use-cert: HTTPS answers ($ts), plain HTTP does not ($tp)" \
	'[ "$ts" = 200 ] && [ "$tp" != 200 ]' || sed 's/^/# /' "$dir/tls.stderr" | tail -5
issuer=$(echo | timeout 5 openssl s_client -connect "127.0.0.1:$hport2" 2>/dev/null |
	openssl x509 -noout -fingerprint 2>/dev/null)
want=$(openssl x509 -noout -fingerprint -in "$dir/keys/resolute_server.pem")
check "the endpoint shows the server certificate" '[ -n "$want" ] && [ "$issuer" = "$want" ]'

# Stopped, both leave no sanitizer report (ASan+UBSan builds).
for p in $pid $pid2; do
	kill "$p" 2>/dev/null
	wait "$p" 2>/dev/null
done
check "no sanitizer report from either daemon" \
	'! grep -qE "Sanitizer|runtime error" "$dir/stderr" "$dir/tls.stderr"' ||
	grep -hE -A5 "Sanitizer|runtime error" "$dir/stderr" "$dir/tls.stderr" | sed 's/^/# /' | head -20

echo "1..$n"
exit $fail
