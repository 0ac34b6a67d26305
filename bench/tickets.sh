#!/usr/bin/env bash
# `make bench-tickets`: issue 4's performance bar, on a private stack whose database
# bench/seed.sh fills with 1 000 000 tickets and 5 000 000 comments, every figure next to a
# baseline measured in the same run:
#
#   create   wrk POSTing /api/tickets as the demo agent (agent@example.com, a personal access
#            token made through the API, so no CSRF header): ticket_create() in one statement
#   pgbench  pgbench running the same writes as one statement, as helpdesk_app over TCP
#            127.0.0.1, at the same concurrency: the ticket row, its status history row and
#            audit_append() (the chain head's row lock serializes both sides alike)
#   get      wrk GET /api/tickets/{id} as the agent, each request a random id from a list of
#            tickets the agent may read, exported from the database
#   readyz   wrk GET /api/readyz (nginx + module + `select 1`)
#   list     the first page of GET /api/tickets (default sort -created_at, 25 items) as the
#            agent, one filter at a time, over several values of it, on one connection
#
#   bar 1    create req/s >= 40% of pgbench's transactions/s (median of per-round ratios)
#   bar 2    get req/s >= 60% of readyz's (median of per-round ratios; within a round the
#            two are measured in the order readyz get get readyz, half the duration each)
#   bar 3    list p95 < 30 ms for every single filter (median of the rounds' p95s)
#
# Builds nothing (make does). Everything listens on 127.0.0.1 in a temporary directory that is
# removed at exit, with every process it started stopped. Exit 0 when every bar passes, else 1.
# The bar is defined at the full seed; smaller BENCH_TICKETS/BENCH_COMMENTS make quick runs
# whose verdicts are printed but say so.
#
# Environment (defaults in brackets): BENCH_TICKETS [1000000], BENCH_COMMENTS [5000000],
# BENCH_REQUESTERS [20000] (bench/seed.sh), BENCH_SEED_TIMEOUT seconds [1800],
# BENCH_DURATION seconds per throughput measurement [10], BENCH_WARMUP [2],
# BENCH_CONNECTIONS [32], BENCH_THREADS [2], BENCH_WORKERS nginx workers [2],
# BENCH_DB_POOL [4], BENCH_ROUNDS [3], BENCH_LIST_DURATION seconds per filter [4],
# BENCH_LIST_CONNECTIONS [1], BENCH_GET_IDS [10000], BENCH_PGBENCH_MODE [extended],
# BENCH_KEEP=1 keeps the temporary directory.
set -euo pipefail
umask 022

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$REPO/conf/proc.sh"
TICKETS=${BENCH_TICKETS:-1000000}
COMMENTS=${BENCH_COMMENTS:-5000000}
REQUESTERS=${BENCH_REQUESTERS:-20000}
SEED_TIMEOUT=${BENCH_SEED_TIMEOUT:-1800}
DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-2}
CONNS=${BENCH_CONNECTIONS:-32}
THREADS=${BENCH_THREADS:-2}
WORKERS=${BENCH_WORKERS:-2}
DB_POOL=${BENCH_DB_POOL:-4}
ROUNDS=${BENCH_ROUNDS:-3}
LIST_DURATION=${BENCH_LIST_DURATION:-4}
LIST_CONNS=${BENCH_LIST_CONNECTIONS:-1}
LIST_TIMEOUT=5 # seconds: a slower list page counts as a timeout (and fails its filter)
GET_IDS=${BENCH_GET_IDS:-10000}
PGBENCH_MODE=${BENCH_PGBENCH_MODE:-extended} # the module's PQsendQueryParams is "extended"

FULL_TICKETS=1000000
FULL_COMMENTS=5000000
BAR_CREATE_PCT=40 # create req/s >= this % of pgbench's
BAR_GET_PCT=60    # get req/s >= this % of readyz's
BAR_LIST_MS=30    # every filter's first-page p95 below this

PGBIN=/usr/lib/postgresql/15/bin
STOP_TIMEOUT=15
AGENT_EMAIL=agent@example.com
AGENT_PASSWORD=demo-password # the demo organisation's (worker/seed_demo.sql)

say() { printf 'bench-tickets: [%3ds] %s\n' "$SECONDS" "$*"; }
die() {
	printf 'bench-tickets: FAIL: %s\n' "$*" >&2
	exit 1
}

for bin in wrk "$PGBIN/pgbench" "$PGBIN/psql" curl timeout; do
	command -v "$bin" >/dev/null || die "missing $bin"
done
for f in "$REPO/build/ngx_http_helpdesk_module.so" "$REPO/build/helpdesk-worker"; do
	[ -e "$f" ] || die "missing $f: run 'make' first"
done
for v in TICKETS COMMENTS REQUESTERS SEED_TIMEOUT DURATION WARMUP CONNS THREADS WORKERS \
	DB_POOL ROUNDS LIST_DURATION LIST_CONNS GET_IDS; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"
done
case $PGBENCH_MODE in simple | extended | prepared) ;; *) die "BENCH_PGBENCH_MODE: simple, extended or prepared" ;; esac

# ---------------------------------------------------------------------------- temp dir, cleanup

TMP=$(mktemp -d /tmp/hd-bench-tickets.XXXXXX)
chmod 0711 "$TMP" # nobody (nginx workers) and postgres must reach inside
export HD_VAR=$TMP/stack

SNAP=$TMP/repo
STACK=$SNAP/conf/stack.sh
STACK_STARTED=0

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [ "$rc" -ne 0 ] && grep -q 'exited on signal' "$HD_VAR/log/nginx-error.log" 2>/dev/null; then
		say "nginx workers of the stack crashed during the run:"
		grep 'exited on signal' "$HD_VAR/log/nginx-error.log" | head -n 3 >&2
	fi
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

# The stack runs from a snapshot, as in bench/run.sh: a `make` elsewhere during the run cannot
# rewrite the .so under a running nginx, and the snapshot pins exactly what was measured.
mkdir -p "$SNAP/build" "$SNAP/bench"
cp -R "$REPO/conf" "$REPO/migrations" "$SNAP/"
cp "$REPO/bench/seed.sh" "$REPO/bench/seed.sql" "$SNAP/bench/"
cp "$REPO/build/ngx_http_helpdesk_module.so" "$REPO/build/helpdesk-worker" "$SNAP/build/"
chmod -R go+rX "$SNAP"

. "$REPO/bench/lib.sh"

read -r PORT PGPORT <<<"$(pick_ports 2)"
export PORT PGPORT
# HD_SEED=1: the demo organisation, whose agent files and reads the tickets.
export HD_WORKERS=$WORKERS HD_DB_POOL=$DB_POOL HD_TEST_MODE=0 HD_SEED=1
BASE=http://127.0.0.1:$PORT

psql_su() {
	"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U postgres -d helpdesk "$@"
}

# ---------------------------------------------------------------------------- the stack

start_stack() {
	say "starting the stack in $HD_VAR (nginx :$PORT, PostgreSQL :$PGPORT)"
	STACK_STARTED=1
	if ! { bash "$STACK" init && bash "$STACK" start; } >"$TMP/stack.log" 2>&1; then
		cat "$TMP/stack.log" >&2
		die "the stack did not start"
	fi
	curl -fsS -o /dev/null --max-time 5 "$BASE/api/readyz" || die "$BASE/api/readyz does not answer 200"
}

# The agent signs in (cookie + CSRF token) once, to make a personal access token; every
# measured request then carries only `Authorization: Bearer hd_pat_…`.
make_token() {
	local jar=$TMP/cookies csrf token
	csrf=$(curl -fsS --max-time 10 -c "$jar" -H 'Content-Type: application/json' \
		-d "{\"email\":\"$AGENT_EMAIL\",\"password\":\"$AGENT_PASSWORD\"}" \
		"$BASE/api/auth/login" | sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p') ||
		die "the demo agent cannot sign in"
	[ -n "$csrf" ] || die "no csrf_token in the sign-in answer"
	token=$(curl -fsS --max-time 10 -b "$jar" -H 'Content-Type: application/json' \
		-H "X-CSRF-Token: $csrf" -d '{"name":"bench-tickets","expires_in_days":1}' \
		"$BASE/api/me/tokens" | sed -n 's/.*"token":"\(hd_pat_[^"]*\)".*/\1/p') ||
		die "POST /api/me/tokens failed"
	[ -n "$token" ] || die "no token in the POST /api/me/tokens answer"
	echo "$token"
}

# ---------------------------------------------------------------------------- measurements

# wrk's done() hook prints one machine-readable line; latencies in microseconds.
REPORT_LUA='
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50.0), latency:percentile(95.0), latency:percentile(99.0),
    e.connect + e.read + e.write + e.timeout, e.status, e.timeout))
end
'

# A wrk script that requests the paths in file $1 (one a line): in turn when $2 is "cycle",
# at random when "random". Each request's text is made once, in init (with the -H headers):
# formatting it anew for every request cost wrk about 6 µs of the two shared cores per request,
# which readyz's fixed request does not pay, and so lowered the ratio by about 3 points.
paths_lua() {
	local file=$1 order=$2
	cat <<-EOF
		local reqs, n = {}, 0
		local order, i = "$order", 0
		init = function(args)
		  for line in io.lines("$file") do n = n + 1; reqs[n] = wrk.format(nil, line) end
		  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
		  i = math.random(n) - 1
		end
		request = function()
		  if order == "random" then i = math.random(n) else i = i % n + 1 end
		  return reqs[i]
		end
		$REPORT_LUA
	EOF
}

# run_wrk NAME URL CONNS THREADS WARMUP DURATION [wrk options]: warm up, measure, print
# "req/s p50_ms p95_ms p99_ms timeouts requests duration_us". Any status >= 400 or socket
# error fails the run; so do timeouts, unless LIST_TIMEOUTS_OK=1 (a list page slower than
# wrk's --timeout is then counted, and fails that filter's bar instead of the run).
run_wrk() {
	local name=$1 url=$2 conns=$3 threads=$4 warmup=$5 duration=$6 line
	local requests took p50 p95 p99 errs status
	shift 6
	wrk -t"$threads" -c"$conns" -d"${warmup}s" "$@" "$url" >"$TMP/$name.warmup.log" 2>&1 ||
		die "$name: wrk warm-up failed (see $TMP/$name.warmup.log)"
	wrk -t"$threads" -c"$conns" -d"${duration}s" "$@" "$url" >"$TMP/$name.log" 2>&1 ||
		die "$name: wrk failed: $(tail -n 3 "$TMP/$name.log")"
	line=$(grep '^RESULT ' "$TMP/$name.log") || die "$name: no result from wrk"
	read -r _ requests took p50 p95 p99 errs status timeouts <<<"$line"
	[ "$requests" -gt 0 ] || die "$name: no request completed"
	[ "${LIST_TIMEOUTS_OK:-0}" = 1 ] && errs=$((errs - timeouts))
	[ "$errs" -eq 0 ] || die "$name: $errs socket errors/timeouts (see $TMP/$name.log)"
	[ "$status" -eq 0 ] || die "$name: $status responses with status >= 400: not a valid run"
	awk -v n="$requests" -v d="$took" -v a="$p50" -v b="$p95" -v c="$p99" -v t="$timeouts" \
		'BEGIN { printf "%.1f %.3f %.3f %.3f %d %d %d\n", n / (d / 1e6), a / 1000, b / 1000,
			c / 1000, t, n, d }'
}

# run_pair A_NAME A_URL A_SCRIPT B_NAME B_URL B_SCRIPT [wrk options for B]: A and B
# (CONNS, THREADS, WARMUP) measured in the order A B B A, each half of DURATION, so that a
# drift in the machine's other load during the pair weighs on both alike. Prints A's line,
# then B's, as run_wrk does, over both halves: req/s from the summed requests and durations,
# the percentiles the higher of the two halves'.
run_pair() {
	local a_name=$1 a_url=$2 a_script=$3 b_name=$4 b_url=$5 b_script=$6 half a1 a2 b1 b2
	shift 6
	half=$(((DURATION + 1) / 2))
	a1=$(run_wrk "$a_name.1" "$a_url" "$CONNS" "$THREADS" "$WARMUP" "$half" -s "$a_script")
	b1=$(run_wrk "$b_name.1" "$b_url" "$CONNS" "$THREADS" "$WARMUP" "$half" -s "$b_script" "$@")
	b2=$(run_wrk "$b_name.2" "$b_url" "$CONNS" "$THREADS" "$WARMUP" "$half" -s "$b_script" "$@")
	a2=$(run_wrk "$a_name.2" "$a_url" "$CONNS" "$THREADS" "$WARMUP" "$half" -s "$a_script")
	printf '%s\n%s\n%s\n%s\n' "$a1" "$a2" "$b1" "$b2" | awk '
		function max(x, y) { return x > y ? x : y }
		{ for (f = 1; f <= 7; f++) v[NR, f] = $f }
		END {
			for (i = 1; i <= 3; i += 2) {
				n = v[i, 6] + v[i + 1, 6]; d = v[i, 7] + v[i + 1, 7]
				printf "%.1f %.3f %.3f %.3f %d %d %d\n", n / (d / 1e6), max(v[i, 2], v[i + 1, 2]),
					max(v[i, 3], v[i + 1, 3]), max(v[i, 4], v[i + 1, 4]),
					v[i, 5] + v[i + 1, 5], n, d
			}
		}'
}

# run_pgbench: ticket_create()'s writes as pgbench transactions; "tps p50 p95 p99" from its
# per-transaction log.
run_pgbench() {
	local name=pgbench out tps failed
	local -a cmd=("$PGBIN/pgbench" -h 127.0.0.1 -p "$PGPORT" -U helpdesk_app -n -M "$PGBENCH_MODE"
		-c "$CONNS" -j "$THREADS" -D "actor=$AGENT_ID" -f "$TMP/create.sql")
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
			i50 = int(NR * 0.50 + 0.999999); i95 = int(NR * 0.95 + 0.999999)
			i99 = int(NR * 0.99 + 0.999999)
			printf "%.1f %.3f %.3f %.3f\n", tps, v[i50] / 1000, v[i95] / 1000, v[i99] / 1000
		}' || die "pgbench: empty per-transaction log"
}

# The line with the median first field.
median_round() {
	printf '%s' "$1" | sort -n -k1,1 | awk '{ r[NR] = $0 } END { print r[int((NR + 1) / 2)] }'
}

# Per-round ratios (100 * a / b) of the first fields of two result lists; then their median.
round_ratios() {
	paste -d' ' <(printf '%s' "$1" | cut -d' ' -f1) <(printf '%s' "$2" | cut -d' ' -f1) |
		awk '{ printf "%.1f\n", 100 * $1 / $2 }'
}

# ---------------------------------------------------------------------------- run

MACHINE="$(nproc) cores, $(sed -n 's/^PRETTY_NAME="\(.*\)"$/\1/p' /etc/os-release), $(uname -r)"
PG_VERSION=$("$PGBIN/postgres" -V | awk '{ print $3 }')
WRK_VERSION=$({ wrk -v 2>&1 || true; } | awk 'NR == 1 { print $2 }')
say "machine: $MACHINE; PostgreSQL $PG_VERSION, wrk $WRK_VERSION"
say "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
start_stack

say "seeding $TICKETS tickets and $COMMENTS comments (bench/seed.sh)"
SEED_START=$SECONDS
BENCH_TICKETS=$TICKETS BENCH_COMMENTS=$COMMENTS BENCH_REQUESTERS=$REQUESTERS \
	PGHOST=127.0.0.1 PGPORT=$PGPORT PGUSER=postgres PGDATABASE=helpdesk \
	timeout "$SEED_TIMEOUT" bash "$SNAP/bench/seed.sh" >"$TMP/seed.log" 2>&1 ||
	die "bench/seed.sh failed or took over ${SEED_TIMEOUT}s: $(tail -n 3 "$TMP/seed.log")"
SEED_SECONDS=$((SECONDS - SEED_START))
SEED_SUMMARY=$(sed -n 's/^seed: done in [0-9]* s; the database now holds //p' "$TMP/seed.log")
say "seeded in ${SEED_SECONDS}s: $SEED_SUMMARY"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

SEED_LAST=$(psql_su -tAc "select max(number) from tickets")
TOKEN=$(make_token)
AUTH="Authorization: Bearer $TOKEN"
AGENT_ID=$(psql_su -tAc "select id from users where email = '$AGENT_EMAIL'")
[ -n "$AGENT_ID" ] || die "no $AGENT_EMAIL in the database"

# create: the same ticket both ways (the module adds requester_id = the caller, source = api).
CREATE_BODY='{"title":"Printer jams on every job","description":"Third floor, since this morning.","priority":"P3","category":"Printing"}'
{
	printf 'wrk.method = "POST"\nwrk.body = [[%s]]\n' "$CREATE_BODY"
	printf 'wrk.headers["Content-Type"] = "application/json"\n'
	printf '%s\n' "$REPORT_LUA"
} >"$TMP/create.lua"
cat >"$TMP/create.sql" <<-'EOF'
	with t as (
	    insert into tickets (title, description, requester_id, priority, category, source)
	    values ('Printer jams on every job', 'Third floor, since this morning.',
	            :actor::uuid, 'P3', 'Printing', 'api')
	    returning *),
	h as (
	    insert into ticket_status_history (ticket_id, from_status, to_status, actor_id)
	    select t.id, null, t.status, :actor::uuid from t)
	select audit_append('user', :actor::uuid, 'ticket', t.id, 'ticket.created',
	                    jsonb_strip_nulls(to_jsonb(t) - 'id' - 'version' - 'deleted_at'
	                                      - 'created_at' - 'updated_at'),
	                    '127.0.0.1', 'pgbench')
	  from t;
EOF
CODE=$(curl -sS -o "$TMP/create-check.json" -w '%{http_code}' --max-time 10 -H "$AUTH" \
	-H 'Content-Type: application/json' -d "$CREATE_BODY" "$BASE/api/tickets")
[ "$CODE" = 201 ] || die "POST /api/tickets answers $CODE: $(head -c 300 "$TMP/create-check.json")"

# get: ids the agent may read (their teams' tickets, and any they requested or are assigned),
# a random sample over the whole seeded range.
psql_su -tA -o "$TMP/get.paths" -c "
	select '/api/tickets/' || t.id from tickets t
	 where t.deleted_at is null and t.number <= $SEED_LAST
	   and (t.team_id in (select team_id from team_members where user_id = '$AGENT_ID')
	        or t.requester_id = '$AGENT_ID' or t.assignee_id = '$AGENT_ID')
	 order by random() limit $GET_IDS"
N_IDS=$(grep -c . "$TMP/get.paths") || die "no ticket the agent may read"
paths_lua "$TMP/get.paths" random >"$TMP/get.lua"
curl -fsS -o /dev/null --max-time 10 -H "$AUTH" "$BASE$(head -n 1 "$TMP/get.paths")" ||
	die "GET $(head -n 1 "$TMP/get.paths") does not answer 200"
printf '%s' "$REPORT_LUA" >"$TMP/report.lua"

# list: for each filter, the values an agent of the Service Desk would pick.
FILTERS=(status priority team assignee requester category created updated)
declare -A FILTER_SQL=(
	[status]="select 'status=' || key from ticket_statuses order by sort_order"
	[priority]="select 'priority=P' || n from generate_series(1, 4) n"
	[team]="select 'team_id=' || team_id from team_members where user_id = '$AGENT_ID'"
	[assignee]="select distinct 'assignee_id=' || m.user_id from team_members m
		where m.team_id in (select team_id from team_members where user_id = '$AGENT_ID')"
	[requester]="select 'requester_id=' || r from (select distinct t.requester_id r from tickets t
		where t.team_id in (select team_id from team_members where user_id = '$AGENT_ID')
		limit 500) x order by random() limit 100"
	[category]="select distinct 'category=' || category from tickets
		where number in (select n from generate_series(1, 1000) n) and category is not null"
	[created]="select format('created_after=%s&created_before=%s', d::date, d::date + 7)
		from (select now() - interval '3 years' * random() d from generate_series(1, 100)) x"
	[updated]="select format('updated_after=%s&updated_before=%s', d::date, d::date + 7)
		from (select now() - interval '3 years' * random() d from generate_series(1, 100)) x"
)
declare -A FILTER_VALUES=()
for f in "${FILTERS[@]}"; do
	psql_su -tA -c "select '/api/tickets?' || q from (${FILTER_SQL[$f]}) v (q)" >"$TMP/list-$f.paths"
	FILTER_VALUES[$f]=$(grep -c . "$TMP/list-$f.paths") || die "list: no values for filter $f"
	paths_lua "$TMP/list-$f.paths" cycle >"$TMP/list-$f.lua"
	curl -fsS -o /dev/null --max-time 10 -H "$AUTH" "$BASE$(head -n 1 "$TMP/list-$f.paths")" ||
		die "GET $(head -n 1 "$TMP/list-$f.paths") does not answer 200"
done

say "each throughput measurement: ${WARMUP} s warm-up, then ${DURATION} s; $CONNS connections," \
	"$THREADS threads; list: ${LIST_DURATION} s per filter on $LIST_CONNS connection(s); $ROUNDS round(s)"

declare -A RESULTS=()
for ((round = 1; round <= ROUNDS; round++)); do
	say "round $round/$ROUNDS: pgbench (ticket + status history + audit_append)"
	RESULTS[pgbench]+="$(run_pgbench)"$'\n'
	say "round $round/$ROUNDS: create (POST /api/tickets)"
	RESULTS[create]+="$(run_wrk create "$BASE/api/tickets" "$CONNS" "$THREADS" "$WARMUP" \
		"$DURATION" -s "$TMP/create.lua" -H "$AUTH")"$'\n'
	# The measured creates leave thousands of tickets newer than any seeded one, all the
	# agent's and in no team: they would sit at the head of every list page's scan.
	psql_su -c "delete from tickets where number > $SEED_LAST" -c "vacuum tickets" ||
		die "could not remove the tickets the create measurements made"
	say "round $round/$ROUNDS: readyz and get (GET /api/tickets/{id}, $N_IDS ids), interleaved"
	PAIR=$(run_pair readyz "$BASE/api/readyz" "$TMP/report.lua" get "$BASE/" "$TMP/get.lua" \
		-H "$AUTH")
	RESULTS[readyz]+="$(sed -n 1p <<<"$PAIR")"$'\n'
	RESULTS[get]+="$(sed -n 2p <<<"$PAIR")"$'\n'
	for f in "${FILTERS[@]}"; do
		say "round $round/$ROUNDS: list, filter $f"
		RESULTS[list-$f]+="$(LIST_TIMEOUTS_OK=1 run_wrk "list-$f" "$BASE/" "$LIST_CONNS" 1 1 \
			"$LIST_DURATION" --timeout "${LIST_TIMEOUT}s" -s "$TMP/list-$f.lua" -H "$AUTH")"$'\n'
	done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------------------- report

verdict() { awk -v r="$1" -v bar="$2" -v op="$3" \
	'BEGIN { ok = (op == ">=") ? (r >= bar) : (r < bar); print ok ? "PASS" : "FAIL" }'; }

FAILS=()
CREATE_ROUNDS=$(round_ratios "${RESULTS[create]}" "${RESULTS[pgbench]}")
CREATE_PCT=$(median_round "$CREATE_ROUNDS"$'\n')
CREATE_VERDICT=$(verdict "$CREATE_PCT" "$BAR_CREATE_PCT" ">=")
CREATE_ROUNDS=$(printf '%s\n' "$CREATE_ROUNDS" | sed 's/$/%/' | paste -s -d' ')
[ "$CREATE_VERDICT" = PASS ] ||
	FAILS+=("create is $CREATE_PCT% of pgbench's rate (rounds: $CREATE_ROUNDS); the bar is >= $BAR_CREATE_PCT%")

GET_ROUNDS=$(round_ratios "${RESULTS[get]}" "${RESULTS[readyz]}")
GET_PCT=$(median_round "$GET_ROUNDS"$'\n')
GET_VERDICT=$(verdict "$GET_PCT" "$BAR_GET_PCT" ">=")
GET_ROUNDS=$(printf '%s\n' "$GET_ROUNDS" | sed 's/$/%/' | paste -s -d' ')
[ "$GET_VERDICT" = PASS ] ||
	FAILS+=("GET /api/tickets/{id} is $GET_PCT% of readyz's rate (rounds: $GET_ROUNDS); the bar is >= $BAR_GET_PCT%")

LOG_PROBLEMS=$(grep -E '\[alert\]|\[crit\]|\[emerg\]|exited on signal' \
	"$HD_VAR/log/nginx-error.log" 2>/dev/null | head -n 5 || true)
[ -z "$LOG_PROBLEMS" ] || FAILS+=("nginx error log of the stack has alert/crit/emerg lines: $LOG_PROBLEMS")

row() { printf '  %-52s %10s %9s %9s %9s\n' "$@"; }

echo
echo "helpdesk bench-tickets, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "  machine: $MACHINE; PostgreSQL $PG_VERSION, wrk $WRK_VERSION"
echo "  load average: $LOAD_BEFORE before the measurements, $LOAD_AFTER after"
echo "  seed: $TICKETS tickets, $COMMENTS comments, $REQUESTERS requesters in ${SEED_SECONDS} s;" \
	"database: $SEED_SUMMARY"
if [ "$TICKETS" -lt "$FULL_TICKETS" ] || [ "$COMMENTS" -lt "$FULL_COMMENTS" ]; then
	echo "  NOTE: smaller than the bar's database ($FULL_TICKETS tickets, $FULL_COMMENTS comments):" \
		"verdicts are indicative only"
fi
echo "  $WORKERS nginx workers, helpdesk_db_pool_size $DB_POOL; wrk -t$THREADS -c$CONNS," \
	"pgbench -c$CONNS -j$THREADS -M $PGBENCH_MODE; ${WARMUP} s warm-up + ${DURATION} s each;" \
	"$ROUNDS round(s), median shown"
echo
row "" "req/s" "p50 ms" "p95 ms" "p99 ms"
read -r a b c d _ <<<"$(median_round "${RESULTS[create]}")"
row "create   POST /api/tickets (agent, PAT)" "$a" "$b" "$c" "$d"
read -r a b c d _ <<<"$(median_round "${RESULTS[pgbench]}")"
row "pgbench  ticket + history + audit_append, 1 statement" "$a" "$b" "$c" "$d"
read -r a b c d _ <<<"$(median_round "${RESULTS[get]}")"
row "get      GET /api/tickets/{id} ($N_IDS random ids)" "$a" "$b" "$c" "$d"
read -r a b c d _ <<<"$(median_round "${RESULTS[readyz]}")"
row "readyz   GET /api/readyz" "$a" "$b" "$c" "$d"
echo
printf '  %-52s %9s%%   bar >= %d%%   %s\n' "create / pgbench, median of rounds" \
	"$CREATE_PCT" "$BAR_CREATE_PCT" "$CREATE_VERDICT"
printf '  %-52s %s\n' "  round by round" "$CREATE_ROUNDS"
printf '  %-52s %9s%%   bar >= %d%%   %s\n' "get / readyz, median of rounds" \
	"$GET_PCT" "$BAR_GET_PCT" "$GET_VERDICT"
printf '  %-52s %s\n' "  round by round" "$GET_ROUNDS"
echo
echo "  list: first page of GET /api/tickets (sort -created_at, 25 items) as the agent," \
	"$LIST_CONNS connection(s), ${LIST_DURATION} s per filter; median of the rounds' p95"
printf '  %-10s %7s %9s %9s %9s %9s   %-28s %s\n' filter values "req/s" "p50 ms" "p95 ms" \
	"p99 ms" "p95 by round" "bar p95 < $BAR_LIST_MS ms"
for f in "${FILTERS[@]}"; do
	P95S=$(printf '%s' "${RESULTS[list-$f]}" | awk '{ print $3 }')
	P95=$(printf '%s\n' "$P95S" | sort -n | awk '{ r[NR] = $1 } END { print r[int((NR + 1) / 2)] }')
	read -r a b _ d _ <<<"$(printf '%s' "${RESULTS[list-$f]}" | awk -v p="$P95" '$3 == p' | head -n 1)"
	TIMEOUTS=$(printf '%s' "${RESULTS[list-$f]}" | awk '{ n += $5 } END { print n + 0 }')
	V=$(verdict "$P95" "$BAR_LIST_MS" "<")
	[ "$TIMEOUTS" -eq 0 ] || V=FAIL
	printf '  %-10s %7s %9s %9s %9s %9s   %-28s %s\n' "$f" "${FILTER_VALUES[$f]}" "$a" "$b" \
		"$P95" "$d" "$(printf '%s\n' "$P95S" | paste -s -d' ')" "$V"
	[ "$TIMEOUTS" -eq 0 ] || echo "             $TIMEOUTS request(s) with the $f filter took over ${LIST_TIMEOUT} s"
	[ "$V" = PASS ] || FAILS+=("list with a $f filter: p95 $P95 ms, $TIMEOUTS over ${LIST_TIMEOUT} s; the bar is p95 < $BAR_LIST_MS ms")
done
echo

if [ "${#FAILS[@]}" -gt 0 ]; then
	for f in "${FAILS[@]}"; do echo "FAIL: $f"; done
	exit 1
fi
echo "PASS: every bar met"
