#!/usr/bin/env bash
# `make bench-mail-out`: outbound email throughput into the local SMTP sink (t/lib/smtp_sink.py,
# Debian's python3-aiosmtpd), next to a baseline measured in the same run on the same machine:
#
#   pipeline  `helpdesk-worker jobs run-once` over N ticket.commented jobs (one public reply each):
#             claim each job, read the ticket, render the templates, compose the message,
#             insert it into email_outbound, mark the job done — then send every row over SMTP
#             (claim, send, mark sent)
#   compose   the same with no smtp_url: only the jobs → email_outbound half
#   send      the same with the outbox already full: only the SMTP half
#   baseline  one curl command line sending the same N composed messages (the bytes the worker
#             stored) over one reused SMTP connection to the same sink: raw libcurl SMTP with no
#             database at all
#
#   bar       pipeline >= 200 messages/s
#
# Needs build/helpdesk-worker (make does it). Everything listens on 127.0.0.1 in a temporary
# directory that is removed at exit (BENCH_KEEP=1 keeps it), with every process it started
# stopped. Environment: BENCH_MESSAGES [1000]. Exit 0 when the bar passes, else 1.
set -euo pipefail
umask 022

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=${BENCH_MESSAGES:-1000}
DIR=$(mktemp -d /tmp/hd-bench-mail.XXXXXX)
chmod 0755 "$DIR"
SINK_PID=

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

cleanup() {
	[ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null && wait "$SINK_PID" 2>/dev/null || true
	HD_VAR=$DIR/var bash "$REPO/conf/stack.sh" stop >/dev/null 2>&1 || true
	if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "kept $DIR"; else rm -rf "$DIR"; fi
}
trap cleanup EXIT

PGPORT=$(free_port)
SMTP_PORT=$(free_port)
export HD_VAR=$DIR/var PGPORT HD_TEST_MODE=1 HD_SEED=1 PORT=$(free_port)
export HD_MAIL_FROM=helpdesk@bench.test HD_SMTP_URL=smtp://127.0.0.1:$SMTP_PORT HD_SMTP_STARTTLS=off

echo "setting up: PostgreSQL on 127.0.0.1:$PGPORT, SMTP sink on 127.0.0.1:$SMTP_PORT, $N messages"
bash "$REPO/conf/stack.sh" init >"$DIR/init.log" 2>&1 || { cat "$DIR/init.log"; exit 1; }
mkdir -p "$DIR/mail"
/usr/bin/python3 "$REPO/t/lib/smtp_sink.py" --port "$SMTP_PORT" --dir "$DIR/mail" >"$DIR/sink.log" 2>&1 &
SINK_PID=$!
for _ in $(seq 50); do grep -q ready "$DIR/sink.log" && break; sleep 0.1; done

CONF=$DIR/var/helpdesk.conf
sed 's/^smtp_url = .*/smtp_url =/' "$CONF" >"$DIR/compose.conf"

psql_() { /usr/lib/postgresql/15/bin/psql -X -q -tA -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U postgres -d helpdesk "$@"; }
worker() { (cd "$REPO" && HELPDESK_CONF=$1 build/helpdesk-worker jobs run-once); }
now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / (b - a) }'; }

# N tickets (web: no acknowledgement) by the agent for the requester, one public reply each;
# the setup's own jobs are done first, so only the N ticket.commented jobs remain.
make_jobs() {
	psql_ -c "do \$\$ declare a uuid := (select id from users where email = 'agent@example.com');
		r uuid := (select id from users where email = 'requester@example.com'); tid uuid;
		begin for i in 1 .. $N loop
			select (body->>'id')::uuid into tid from ticket_create(a, jsonb_build_object(
				'title', 'Bench ticket ' || i, 'requester_id', r), null, null);
			perform comment_add(a, tid, 'Reply ' || i || E': please restart the VPN client.\n\nThanks,\nAlex',
				false, null, null);
		end loop; end \$\$"
	psql_ -c "update jobs set status = 'done', done_at = now() where kind <> 'ticket.commented'"
}

sent() { ls "$DIR/mail" | grep -c '\.eml$' || true; }

# 1. the whole pipeline
make_jobs
t0=$(now); worker "$CONF" >/dev/null; t1=$(now)
got=$(sent)
[ "$got" -eq "$N" ] || { echo "pipeline: the sink got $got of $N messages" >&2; exit 1; }
pipeline=$(rate "$N" "$t0" "$t1")

# 2. the halves: compose only, then send only
make_jobs
t0=$(now); worker "$DIR/compose.conf" >/dev/null; t1=$(now)
compose=$(rate "$N" "$t0" "$t1")
t0=$(now); worker "$CONF" >/dev/null; t1=$(now)
send=$(rate "$N" "$t0" "$t1")
got=$(sent)
[ "$got" -eq $((2 * N)) ] || { echo "send: the sink holds $got of $((2 * N)) messages" >&2; exit 1; }

# 3. baseline: the same composed bytes, raw curl over one connection
mkdir -p "$DIR/raw"
psql_ -c "select id, translate(encode(convert_to(raw_message, 'UTF8'), 'base64'), E'\n', '')
	from email_outbound order by created_at limit $N" |
	while IFS='|' read -r id b64; do printf '%s' "$b64" | base64 -d >"$DIR/raw/$id.eml"; done
files=$(cd "$DIR/raw" && ls | paste -sd, -)
t0=$(now)
(cd "$DIR/raw" && curl -sS "smtp://127.0.0.1:$SMTP_PORT" --mail-from helpdesk@bench.test \
	--mail-rcpt requester@example.com -T "{$files}")
t1=$(now)
got=$(sent)
[ "$got" -eq $((3 * N)) ] || { echo "baseline: the sink holds $got of $((3 * N)) messages" >&2; exit 1; }
baseline=$(rate "$N" "$t0" "$t1")

size=$(psql_ -c "select round(avg(octet_length(raw_message))) from email_outbound")
echo
printf '%-10s %8s msg/s   %s\n' pipeline "$pipeline" "jobs -> compose -> email_outbound -> SMTP -> sink"
printf '%-10s %8s msg/s   %s\n' compose "$compose" "jobs -> email_outbound only"
printf '%-10s %8s msg/s   %s\n' send "$send" "email_outbound -> SMTP -> sink only"
printf '%-10s %8s msg/s   %s\n' baseline "$baseline" "curl, same $N messages (avg $size bytes), one connection"
awk -v p="$pipeline" -v s="$send" -v b="$baseline" 'BEGIN {
	printf "\npipeline is %.1f%% of the baseline, send %.1f%%\n", 100 * p / b, 100 * s / b }'
if [ "$pipeline" -ge 200 ]; then
	echo "bar: pipeline >= 200 messages/s: pass"
else
	echo "bar: pipeline >= 200 messages/s: FAIL"
	exit 1
fi
