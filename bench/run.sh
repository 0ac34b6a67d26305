#!/usr/bin/env bash
# `make bench`: GET /api/readyz against a private stack, next to two baselines measured in the
# same run on the same machine, and the performance bar of issue 2:
#
#   readyz   wrk against /api/readyz (nginx + module + one `select 1` round trip to PostgreSQL)
#   static   wrk against a plain Debian nginx (no module, same worker count, same JSON access
#            log) serving a file whose body is byte-for-byte readyz's body
#   pgbench  pgbench running `select 1` (extended protocol, like the module's PQsendQueryParams)
#            at the same concurrency against the same database as the same role, over TCP
#            127.0.0.1 like the module
#   healthz  wrk against /api/healthz (the module, no database): for information only, it
#            shows how the cost splits between the HTTP side and the database hop
#   me       wrk against GET /api/me with an OIDC bearer token (RS256, verified in the module
#            against the issuer's JWKS file, then the caller looked up in the database): issue 3
#
#   bar 1    readyz requests/s >= 60% of min(static, pgbench)
#   bar 2    nginx workers' summed VmRSS grows < 1024 kB over 100 000 more readyz requests
#   bar 3    GET /api/me with a bearer JWT costs <= 15% more than readyz (time per request,
#            i.e. readyz req/s / me req/s <= 1.15, median of the per-round ratios)
#
# Builds nothing (make does). Everything listens on 127.0.0.1 in a temporary directory that is
# removed at exit, with every process it started stopped. Exit 0 when both bars pass, else 1.
#
# Environment (defaults in brackets): BENCH_DURATION seconds per measurement [10],
# BENCH_WARMUP seconds before each [2], BENCH_CONNECTIONS [32], BENCH_THREADS [2],
# BENCH_WORKERS nginx workers [2], BENCH_DB_POOL connections per worker [4],
# BENCH_ROUNDS rounds of all measurements, interleaved; the median round of each is shown [3],
# BENCH_MEM_REQUESTS [100000], BENCH_PGBENCH_MODE [extended] (keep it equal to how the module
# sends queries), BENCH_KEEP=1 keeps the temporary directory (logs) after the run.
set -euo pipefail
umask 022

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$REPO/conf/proc.sh"
DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-2}
CONNS=${BENCH_CONNECTIONS:-32}
THREADS=${BENCH_THREADS:-2}
WORKERS=${BENCH_WORKERS:-2}
DB_POOL=${BENCH_DB_POOL:-4}
ROUNDS=${BENCH_ROUNDS:-3}
MEM_REQUESTS=${BENCH_MEM_REQUESTS:-100000}
PGBENCH_MODE=${BENCH_PGBENCH_MODE:-extended} # the module's PQsendQueryParams is "extended"

BAR_RATIO_PCT=60   # readyz >= this % of the lower baseline
BAR_RSS_KB=1024    # worker RSS growth over MEM_REQUESTS must stay below this
BAR_ME_PCT=115     # /api/me's time per request <= this % of readyz's

PGBIN=/usr/lib/postgresql/15/bin
NGINX=/usr/sbin/nginx
STOP_TIMEOUT=15

say() { printf 'bench: [%3ds] %s\n' "$SECONDS" "$*"; }
die() {
	printf 'bench: FAIL: %s\n' "$*" >&2
	exit 1
}

for bin in wrk "$PGBIN/pgbench" "$PGBIN/psql" "$NGINX" curl; do
	command -v "$bin" >/dev/null || die "missing $bin"
done
for f in "$REPO/build/ngx_http_helpdesk_module.so" "$REPO/build/helpdesk-worker"; do
	[ -e "$f" ] || die "missing $f: run 'make' first"
done
for v in DURATION WARMUP CONNS THREADS WORKERS DB_POOL ROUNDS MEM_REQUESTS; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"
done
case $PGBENCH_MODE in simple | extended | prepared) ;; *) die "BENCH_PGBENCH_MODE: simple, extended or prepared" ;; esac

# ---------------------------------------------------------------------------- temp dir, cleanup

TMP=$(mktemp -d /tmp/hd-bench.XXXXXX)
chmod 0711 "$TMP" # nobody (nginx workers) and postgres must reach inside
export HD_VAR=$TMP/stack

SNAP=$TMP/repo
STACK=$SNAP/conf/stack.sh
STATIC=$TMP/static
STATIC_PID=$STATIC/nginx.pid
STACK_STARTED=0
STATIC_MASTER=""

stop_static() {
	local master=$STATIC_MASTER pids
	[ -s "$STATIC_PID" ] && master=$(<"$STATIC_PID")
	[ -n "$master" ] || return 0
	read -r -a pids <<<"$master $(children_of "$master" | tr '\n' ' ')"
	kill -QUIT "$master" 2>/dev/null || true
	if ! wait_gone "$STOP_TIMEOUT" "${pids[@]}"; then
		kill -KILL "${pids[@]}" 2>/dev/null || true
	fi
	rm -f "$STATIC_PID"
	STATIC_MASTER=""
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [ "$rc" -ne 0 ] && grep -q 'exited on signal' "$HD_VAR/log/nginx-error.log" 2>/dev/null; then
		say "nginx workers of the stack crashed during the run:"
		grep 'exited on signal' "$HD_VAR/log/nginx-error.log" | head -n 3 >&2
	fi
	stop_static || true
	if [ "$STACK_STARTED" = 1 ]; then
		bash "$STACK" stop >>"$TMP/stack.log" 2>&1 || say "stack stop failed: see $TMP/stack.log"
	fi
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		say "kept $TMP"
	else
		rm -rf "$TMP"
	fi
	[ "$rc" -eq 0 ] || exit 1 # any failure, interrupted or not, is exit 1
	exit 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The stack runs from a snapshot of what it needs (conf/, migrations/, the two binaries): a
# `make` elsewhere rewrites build/*.so in place, and a running nginx that has the file mapped
# then dies with SIGSEGV. The snapshot also pins exactly what was measured.
mkdir -p "$SNAP/build"
cp -R "$REPO/conf" "$REPO/migrations" "$SNAP/"
cp "$REPO/build/ngx_http_helpdesk_module.so" "$REPO/build/helpdesk-worker" "$SNAP/build/"
chmod -R go+rX "$SNAP"

# ---------------------------------------------------------------------------- ports

. "$REPO/bench/lib.sh"

PORTS=$(pick_ports 3)
read -r PORT PGPORT STATIC_PORT <<<"$PORTS"
export PORT PGPORT
export HD_WORKERS=$WORKERS HD_DB_POOL=$DB_POOL HD_TEST_MODE=0 HD_SEED=0
# The bench is its own OIDC issuer: it writes the JWKS file and signs one access token. The
# issuer URL points at a closed port, so the worker's key refresh fails and leaves the file be.
export HD_OIDC_ISSUER=http://127.0.0.1:9/bench HD_OIDC_AUDIENCE=helpdesk

READYZ_URL=http://127.0.0.1:$PORT/api/readyz
ME_URL=http://127.0.0.1:$PORT/api/me
HEALTHZ_URL=http://127.0.0.1:$PORT/api/healthz
METRICS_URL=http://127.0.0.1:$PORT/metrics
STATIC_URL=http://127.0.0.1:$STATIC_PORT/ready.json

# ---------------------------------------------------------------------------- the stack

start_stack() {
	say "starting the stack in $HD_VAR (nginx :$PORT, PostgreSQL :$PGPORT)"
	STACK_STARTED=1
	if ! { bash "$STACK" init && bash "$STACK" start; } >"$TMP/stack.log" 2>&1; then
		cat "$TMP/stack.log" >&2
		die "the stack did not start"
	fi
	curl -fsS -o /dev/null --max-time 5 "$READYZ_URL" || die "$READYZ_URL does not answer 200"
}

# The baseline logs the way the stack logs: its access_log line's options (buffer=, flush=,
# …) are copied from the stack's rendered nginx.conf, and "off" stays off.
static_access_log() {
	local line words
	line=$(sed -n 's/^[[:space:]]*access_log[[:space:]]\{1,\}\([^;#]*\);.*/\1/p' \
		"$HD_VAR/nginx.conf" | head -n 1)
	[ -n "$line" ] || die "no access_log line in the stack's nginx.conf"
	read -r -a words <<<"$line"
	if [ "${words[0]}" = off ]; then
		echo "access_log off;"
	else
		echo "access_log $STATIC/access.log static ${words[*]:2};"
	fi
}

# A plain Debian nginx: same worker count and user, same kind of JSON access log, no module.
start_static() {
	local body=$1 user_directive="" access_log i
	access_log=$(static_access_log)
	mkdir -p "$STATIC/www" "$STATIC/tmp"
	printf '%s' "$body" >"$STATIC/www/ready.json"
	chmod 0755 "$STATIC" "$STATIC/www"
	chmod 0644 "$STATIC/www/ready.json"
	[ "$(id -u)" -eq 0 ] && user_directive="user nobody nogroup;"
	cat >"$STATIC/nginx.conf" <<-EOF
		# Baseline for bench/run.sh: Debian's nginx serving one static file.
		$user_directive
		daemon off;
		master_process on;
		worker_processes $WORKERS;
		pid $STATIC_PID;
		error_log $STATIC/error.log warn;
		events { worker_connections 1024; }
		http {
		    include /etc/nginx/mime.types;
		    default_type application/octet-stream;
		    client_body_temp_path $STATIC/tmp/client_body;
		    proxy_temp_path $STATIC/tmp/proxy;
		    fastcgi_temp_path $STATIC/tmp/fastcgi;
		    uwsgi_temp_path $STATIC/tmp/uwsgi;
		    scgi_temp_path $STATIC/tmp/scgi;
		    log_format static escape=json
		        '{"time":"\$time_iso8601","request_id":"\$request_id",'
		        '"method":"\$request_method","uri":"\$request_uri","status":\$status,'
		        '"duration_s":\$request_time,"bytes":\$bytes_sent}';
		    $access_log
		    server_tokens off;
		    server {
		        listen 127.0.0.1:$STATIC_PORT;
		        root $STATIC/www;
		    }
		}
	EOF
	"$NGINX" -p "$STATIC" -c "$STATIC/nginx.conf" -e "$STATIC/error.log" -t -q ||
		die "the baseline nginx rejected $STATIC/nginx.conf"
	setsid "$NGINX" -p "$STATIC" -c "$STATIC/nginx.conf" -e "$STATIC/error.log" \
		</dev/null >>"$STATIC/stderr.log" 2>&1 &
	STATIC_MASTER=$! # setsid execs nginx in place: this is the master
	for ((i = 0; i < 100; i++)); do
		curl -fsS -o /dev/null --max-time 1 "$STATIC_URL" 2>/dev/null && return 0
		sleep 0.1
	done
	die "the baseline nginx did not answer on $STATIC_URL (see $STATIC/error.log)"
}

# The bench's own issuer: an RSA key, its JWKS where the module reads it, and one access token
# (RS256, 2 h) for a user the first /api/me provisions.
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

mint_token() {
	local key=$TMP/oidc-key.pem n e h p sig now
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$key" 2>/dev/null ||
		die "openssl genpkey failed"
	n=$(openssl rsa -in "$key" -noout -modulus | cut -d= -f2 |
		perl -ne 'chomp; print pack("H*", $_)' | b64url)
	e=$(printf '\x01\x00\x01' | b64url)
	printf '{"keys":[{"kty":"RSA","kid":"bench","use":"sig","alg":"RS256","n":"%s","e":"%s"}]}\n' \
		"$n" "$e" >"$HD_VAR/oidc/jwks.json"
	chmod 0644 "$HD_VAR/oidc/jwks.json"
	now=$(date +%s)
	h=$(printf '{"alg":"RS256","typ":"at+jwt","kid":"bench"}' | b64url)
	p=$(printf '{"iss":"%s","aud":"%s","sub":"bench-user","email":"bench@example.com","email_verified":true,"name":"Bench User","roles":["agent"],"iat":%d,"exp":%d}' \
		"$HD_OIDC_ISSUER" "$HD_OIDC_AUDIENCE" "$now" $((now + 7200)) | b64url)
	sig=$(printf '%s.%s' "$h" "$p" | openssl dgst -sha256 -sign "$key" | b64url)
	printf '%s.%s.%s' "$h" "$p" "$sig"
}

# ---------------------------------------------------------------------------- measurements

# wrk's done() hook prints one machine-readable line; latencies in microseconds.
cat >"$TMP/report.lua" <<'EOF'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50.0), latency:percentile(99.0),
    e.connect + e.read + e.write + e.timeout, e.status))
end
EOF

# run_wrk NAME URL [wrk options]: warm up, measure, print "req/s p50_ms p99_ms". Any socket
# error, timeout or status >= 400 (a 503 from a full queue is cheap and would flatter the
# figure) fails the run.
run_wrk() {
	local name=$1 url=$2 line requests duration p50 p99 errs status
	shift 2
	wrk -t"$THREADS" -c"$CONNS" -d"${WARMUP}s" "$@" "$url" >"$TMP/$name.warmup.log" 2>&1 ||
		die "$name: wrk warm-up failed (see $TMP/$name.warmup.log)"
	wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s "$TMP/report.lua" "$@" "$url" \
		>"$TMP/$name.log" 2>&1 || die "$name: wrk failed: $(tail -n 3 "$TMP/$name.log")"
	line=$(grep '^RESULT ' "$TMP/$name.log") || die "$name: no result from wrk"
	read -r _ requests duration p50 p99 errs status <<<"$line"
	[ "$requests" -gt 0 ] || die "$name: no request completed"
	[ "$errs" -eq 0 ] || die "$name: $errs socket errors/timeouts (see $TMP/$name.log)"
	[ "$status" -eq 0 ] || die "$name: $status responses with status >= 400: not a valid run"
	awk -v n="$requests" -v d="$duration" -v a="$p50" -v b="$p99" \
		'BEGIN { printf "%.1f %.3f %.3f\n", n / (d / 1e6), a / 1000, b / 1000 }'
}

# run_readyz_me: readyz and me measured in the order readyz me me readyz, each half of DURATION,
# so that a drift in the machine's other load during the pair weighs on both alike (me is judged
# against readyz). Prints readyz's line, then me's, as run_wrk does: req/s the mean of the two
# equal halves, the percentiles the higher of the two.
run_readyz_me() {
	local half a1 a2 b1 b2
	half=$(((DURATION + 1) / 2))
	a1=$(DURATION=$half run_wrk readyz.1 "$READYZ_URL")
	b1=$(DURATION=$half run_wrk me.1 "$ME_URL" -H "Authorization: Bearer $JWT")
	b2=$(DURATION=$half run_wrk me.2 "$ME_URL" -H "Authorization: Bearer $JWT")
	a2=$(DURATION=$half run_wrk readyz.2 "$READYZ_URL")
	printf '%s\n%s\n%s\n%s\n' "$a1" "$a2" "$b1" "$b2" | awk '
		function max(x, y) { return x > y ? x : y }
		{ r[NR] = $1; a[NR] = $2; b[NR] = $3 }
		END {
			for (i = 1; i <= 3; i += 2)
				printf "%.1f %.3f %.3f\n", (r[i] + r[i + 1]) / 2, max(a[i], a[i + 1]),
					max(b[i], b[i + 1])
		}'
}

# run_pgbench: the same, for `select 1` through pgbench; percentiles from its per-transaction log.
run_pgbench() {
	local name=pgbench out tps failed
	local -a cmd=("$PGBIN/pgbench" -h 127.0.0.1 -p "$PGPORT" -U helpdesk_app -n -M "$PGBENCH_MODE"
		-c "$CONNS" -j "$THREADS" -f "$TMP/select1.sql")
	printf 'select 1;\n' >"$TMP/select1.sql"
	"${cmd[@]}" -T "$WARMUP" helpdesk >"$TMP/$name.warmup.log" 2>&1 ||
		die "pgbench warm-up failed: $(tail -n 3 "$TMP/$name.warmup.log")"
	rm -rf "$TMP/pgbench-log" && mkdir "$TMP/pgbench-log"
	"${cmd[@]}" -T "$DURATION" -l --log-prefix="$TMP/pgbench-log/tx" helpdesk \
		>"$TMP/$name.log" 2>&1 || die "pgbench failed: $(tail -n 3 "$TMP/$name.log")"
	out=$(<"$TMP/$name.log")
	tps=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p' <<<"$out")
	failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<<"$out")
	[ -n "$tps" ] || die "pgbench: no tps in its output (see $TMP/$name.log)"
	[ "${failed:-0}" -eq 0 ] || die "pgbench: $failed failed transactions"
	# Per-transaction log: "client tx latency_us script epoch_s epoch_us".
	cat "$TMP"/pgbench-log/tx.* | awk '{ print $3 }' | sort -n | awk -v tps="$tps" '
		{ v[NR] = $1 }
		END {
			if (NR == 0) exit 1
			i50 = int(NR * 0.50 + 0.999999); i99 = int(NR * 0.99 + 0.999999)
			printf "%.1f %.3f %.3f\n", tps, v[i50] / 1000, v[i99] / 1000
		}' || die "pgbench: empty per-transaction log"
}

# The line with the median first field (for rounds: its own p50/p99 come with it).
median_round() {
	printf '%s' "$1" | sort -n -k1,1 | awk '{ r[NR] = $0 } END { print r[int((NR + 1) / 2)] }'
}

# The readyz 200s counted by the module, summed over workers.
readyz_served() {
	curl -fsS --max-time 5 "$METRICS_URL" |
		awk '/^helpdesk_http_requests_total\{route="readyz",status="200"\}/ { n = $2 }
			END { printf "%d\n", n + 0 }'
}

stack_workers() {
	local master
	master=$(<"$HD_VAR/nginx/nginx.pid")
	children_of "$master"
}

workers_rss_kb() {
	local pid total=0 kb
	for pid in $(stack_workers); do
		kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
		total=$((total + kb))
	done
	echo "$total"
}

# ---------------------------------------------------------------------------- run

MACHINE="$(nproc) cores, $(sed -n 's/^PRETTY_NAME="\(.*\)"$/\1/p' /etc/os-release), $(uname -r)"
NGINX_VERSION=$("$NGINX" -v 2>&1 | sed 's/^nginx version: //')
PG_VERSION=$("$PGBIN/postgres" -V | awk '{ print $3 }')
WRK_VERSION=$({ wrk -v 2>&1 || true; } | awk 'NR == 1 { print $2 }')
VERSIONS="$NGINX_VERSION, PostgreSQL $PG_VERSION, wrk $WRK_VERSION"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
say "machine: $MACHINE; $VERSIONS"
say "load average before: $LOAD_BEFORE (other load on the machine skews every figure)"
start_stack
JWT=$(mint_token)
curl -fsS -o /dev/null --max-time 5 -H "Authorization: Bearer $JWT" "$ME_URL" ||
	die "GET /api/me with the bench's token does not answer 200 (see $HD_VAR/log/nginx-error.log)"
READYZ_BODY=$(curl -fsS --max-time 5 "$READYZ_URL")
start_static "$READYZ_BODY"
STATIC_BODY_SIZE=$(curl -fsS --max-time 5 -o /dev/null -w '%{size_download}' "$STATIC_URL")
[ "$STATIC_BODY_SIZE" -eq "${#READYZ_BODY}" ] ||
	die "static body is $STATIC_BODY_SIZE bytes, readyz's is ${#READYZ_BODY}"
say "static baseline on :$STATIC_PORT serves readyz's body (${#READYZ_BODY} bytes)"
say "each measurement: ${WARMUP} s warm-up, then ${DURATION} s; $CONNS connections, $THREADS threads; $ROUNDS round(s)"

declare -A RESULTS=()
for ((round = 1; round <= ROUNDS; round++)); do
	say "round $round/$ROUNDS: static"
	RESULTS[static]+="$(run_wrk static "$STATIC_URL")"$'\n'
	say "round $round/$ROUNDS: pgbench"
	RESULTS[pgbench]+="$(run_pgbench)"$'\n'
	say "round $round/$ROUNDS: readyz and me (bearer JWT), interleaved"
	PAIR=$(run_readyz_me)
	RESULTS[readyz]+="$(sed -n 1p <<<"$PAIR")"$'\n'
	RESULTS[me]+="$(sed -n 2p <<<"$PAIR")"$'\n'
	say "round $round/$ROUNDS: healthz (for information)"
	RESULTS[healthz]+="$(run_wrk healthz "$HEALTHZ_URL")"$'\n'
done

read -r READYZ_RPS READYZ_P50 READYZ_P99 <<<"$(median_round "${RESULTS[readyz]}")"
read -r STATIC_RPS STATIC_P50 STATIC_P99 <<<"$(median_round "${RESULTS[static]}")"
read -r PGB_RPS PGB_P50 PGB_P99 <<<"$(median_round "${RESULTS[pgbench]}")"
read -r HEALTHZ_RPS HEALTHZ_P50 HEALTHZ_P99 <<<"$(median_round "${RESULTS[healthz]}")"
read -r ME_RPS ME_P50 ME_P99 <<<"$(median_round "${RESULTS[me]}")"

# ---- memory: workers' RSS around MEM_REQUESTS more readyz requests (pools already warm).
# wrk has no request count: run it in short bursts sized from the measured rate until the
# module's own counter shows MEM_REQUESTS more readyz 200s, within a time limit.
say "memory: $MEM_REQUESTS readyz requests"
MEM_TIME_LIMIT=$((MEM_REQUESTS / 1000 + 60))
SERVED_BEFORE=$(readyz_served)
RSS_BEFORE=$(workers_rss_kb)
WORKERS_BEFORE=$(stack_workers | sort | tr '\n' ' ')
SERVED=0
MEM_DEADLINE=$((SECONDS + MEM_TIME_LIMIT))
for ((burst = 1; burst <= 100; burst++)); do
	REMAINING=$((MEM_REQUESTS - SERVED))
	if [ "$REMAINING" -le 0 ] || [ "$SECONDS" -ge "$MEM_DEADLINE" ]; then
		break
	fi
	BURST_S=$(awk -v n="$REMAINING" -v r="$READYZ_RPS" \
		'BEGIN { s = int(n / r + 0.999); if (s < 1) s = 1; if (s > 10) s = 10; print s }')
	wrk -t"$THREADS" -c"$CONNS" -d"${BURST_S}s" "$READYZ_URL" >>"$TMP/memory.log" 2>&1 ||
		die "memory: wrk failed: $(tail -n 3 "$TMP/memory.log")"
	SERVED=$(($(readyz_served) - SERVED_BEFORE))
done
RSS_AFTER=$(workers_rss_kb)
RSS_GROWTH=$((RSS_AFTER - RSS_BEFORE))
WORKERS_AFTER=$(stack_workers | sort | tr '\n' ' ')
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------------------- report

pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", 100 * a / b }'; }
R_STATIC=$(pct "$READYZ_RPS" "$STATIC_RPS")
R_PGB=$(pct "$READYZ_RPS" "$PGB_RPS")
MIN_NAME=static
if awk -v a="$PGB_RPS" -v b="$STATIC_RPS" 'BEGIN { exit !(a < b) }'; then
	MIN_NAME=pgbench
fi
# The bar: readyz / min(static, pgbench) taken within each round (the three run back to back,
# so a drift in the machine's other load mostly cancels), then the median over the rounds.
PER_ROUND=$(paste -d' ' <(printf '%s' "${RESULTS[readyz]}" | cut -d' ' -f1) \
	<(printf '%s' "${RESULTS[static]}" | cut -d' ' -f1) \
	<(printf '%s' "${RESULTS[pgbench]}" | cut -d' ' -f1) |
	awk '{ m = ($2 < $3) ? $2 : $3; printf "%.1f\n", 100 * $1 / m }')
R_MIN=$(median_round "$PER_ROUND"$'\n')
PER_ROUND=$(printf '%s\n' "$PER_ROUND" | sed 's/$/%/' | paste -s -d' ')

# Bar 3: /api/me's cost over readyz's, per round (time per request = 1 / req/s), then median.
ME_ROUNDS=$(paste -d' ' <(printf '%s' "${RESULTS[readyz]}" | cut -d' ' -f1) \
	<(printf '%s' "${RESULTS[me]}" | cut -d' ' -f1) |
	awk '{ printf "%.1f\n", 100 * $1 / $2 }')
ME_PCT=$(median_round "$ME_ROUNDS"$'\n')
ME_ROUNDS=$(printf '%s\n' "$ME_ROUNDS" | sed 's/$/%/' | paste -s -d' ')

FAILS=()
if awk -v r="$ME_PCT" -v bar="$BAR_ME_PCT" 'BEGIN { exit !(r <= bar) }'; then
	ME_VERDICT=PASS
else
	ME_VERDICT=FAIL
	FAILS+=("GET /api/me costs $ME_PCT% of readyz's time per request (rounds: $ME_ROUNDS); the bar is <= $BAR_ME_PCT%")
fi
if awk -v r="$R_MIN" -v bar="$BAR_RATIO_PCT" 'BEGIN { exit !(r >= bar) }'; then
	THROUGHPUT_VERDICT=PASS
else
	THROUGHPUT_VERDICT=FAIL
	FAILS+=("readyz throughput is $R_MIN% of the lower baseline (median of rounds: $PER_ROUND); the bar is >= $BAR_RATIO_PCT%")
fi
if [ "$WORKERS_BEFORE" != "$WORKERS_AFTER" ]; then
	MEMORY_VERDICT=FAIL
	FAILS+=("memory: the nginx workers changed during the run ($WORKERS_BEFORE-> $WORKERS_AFTER)")
elif [ "$SERVED" -lt "$MEM_REQUESTS" ]; then
	MEMORY_VERDICT=FAIL
	FAILS+=("memory: only $SERVED readyz 200s in ${MEM_TIME_LIMIT} s, wanted $MEM_REQUESTS")
elif [ "$RSS_GROWTH" -lt "$BAR_RSS_KB" ]; then
	MEMORY_VERDICT=PASS
else
	MEMORY_VERDICT=FAIL
	FAILS+=("nginx worker RSS grew $RSS_GROWTH kB over $SERVED requests; the bar is < $BAR_RSS_KB kB")
fi
LOG_PROBLEMS=$(grep -E '\[alert\]|\[crit\]|\[emerg\]|exited on signal' \
	"$HD_VAR/log/nginx-error.log" 2>/dev/null | head -n 5 || true)
if [ -n "$LOG_PROBLEMS" ]; then
	FAILS+=("nginx error log of the stack has alert/crit/emerg lines: $LOG_PROBLEMS")
fi

echo
echo "helpdesk bench, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "  machine: $MACHINE; $VERSIONS"
echo "  load average: $LOAD_BEFORE before, $LOAD_AFTER after"
echo "  $WORKERS nginx workers, helpdesk_db_pool_size $DB_POOL; wrk -t$THREADS -c$CONNS;" \
	"${WARMUP} s warm-up + ${DURATION} s each; $ROUNDS round(s), median shown"
echo
printf '  %-44s %10s %9s %9s\n' "" "req/s" "p50 ms" "p99 ms"
printf '  %-44s %10s %9s %9s\n' "readyz   GET /api/readyz (select 1 via module)" \
	"$READYZ_RPS" "$READYZ_P50" "$READYZ_P99"
printf '  %-44s %10s %9s %9s\n' "static   plain nginx, ${#READYZ_BODY}-byte file" \
	"$STATIC_RPS" "$STATIC_P50" "$STATIC_P99"
printf '  %-44s %10s %9s %9s\n' "pgbench  select 1, -M $PGBENCH_MODE, -c $CONNS" \
	"$PGB_RPS" "$PGB_P50" "$PGB_P99"
printf '  %-44s %10s %9s %9s\n' "healthz  GET /api/healthz (module, no DB)" \
	"$HEALTHZ_RPS" "$HEALTHZ_P50" "$HEALTHZ_P99"
printf '  %-44s %10s %9s %9s\n' "me       GET /api/me, bearer JWT (RS256)" \
	"$ME_RPS" "$ME_P50" "$ME_P99"
echo
printf '  %-44s %9s%%\n' "readyz / static" "$R_STATIC"
printf '  %-44s %9s%%\n' "readyz / pgbench" "$R_PGB"
printf '  %-44s %9s%%   bar >= %d%%   %s\n' "readyz / min(baselines), median of rounds" \
	"$R_MIN" "$BAR_RATIO_PCT" "$THROUGHPUT_VERDICT"
printf '  %-44s %s\n' "  round by round (lower baseline: $MIN_NAME)" "$PER_ROUND"
printf '  %-44s %9s%%   (information: the module without the database)\n' \
	"healthz / static" "$(pct "$HEALTHZ_RPS" "$STATIC_RPS")"
printf '  %-44s %9s%%   bar <= %d%%  %s\n' "me time/request as % of readyz's, median" \
	"$ME_PCT" "$BAR_ME_PCT" "$ME_VERDICT"
printf '  %-44s %s\n' "  round by round" "$ME_ROUNDS"
echo
printf '  %-44s %7s kB -> %s kB over %s requests: %+d kB   bar < %d kB   %s\n' \
	"nginx workers' RSS (sum of VmRSS)" "$RSS_BEFORE" "$RSS_AFTER" "$SERVED" "$RSS_GROWTH" \
	"$BAR_RSS_KB" "$MEMORY_VERDICT"
echo

if [ "${#FAILS[@]}" -gt 0 ]; then
	for f in "${FAILS[@]}"; do echo "FAIL: $f"; done
	exit 1
fi
echo "PASS: both bars met"
