#!/usr/bin/env bash
# bench/seed.sh — fill a helpdesk database with tickets and comments for
# bench/tickets.sh (the SQL and what it writes: bench/seed.sql).
#
# usage: bench/seed.sh        (connection from the usual libpq variables)
#
# Environment (defaults in brackets): BENCH_TICKETS [1000000], BENCH_COMMENTS [5000000],
# BENCH_REQUESTERS [20000]; PGHOST [127.0.0.1], PGPORT [54329, conf/stack.sh's],
# PGUSER [postgres: the seed drops and rebuilds indexes], PGDATABASE [helpdesk].
# Issue 4's performance bar is judged at the default sizes only; smaller ones make quick runs.
# The database must be migrated (helpdesk-worker migrate); the demo organisation
# (seed-demo) is optional: when present, its Service Desk shares the tickets.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TICKETS=${BENCH_TICKETS:-1000000}
COMMENTS=${BENCH_COMMENTS:-5000000}
REQUESTERS=${BENCH_REQUESTERS:-20000}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-54329}
export PGUSER=${PGUSER:-postgres} PGDATABASE=${PGDATABASE:-helpdesk}
PSQL=/usr/lib/postgresql/15/bin/psql

die() {
	printf 'seed: %s\n' "$*" >&2
	exit 1
}

for v in TICKETS COMMENTS REQUESTERS; do
	[[ ${!v} =~ ^[0-9]+$ ]] || die "BENCH_$v must be a whole number (got '${!v}')"
done
[ "$TICKETS" -gt 0 ] || [ "$COMMENTS" -eq 0 ] || die "comments need tickets"
[ "$REQUESTERS" -gt 0 ] || die "BENCH_REQUESTERS must be at least 1"

printf 'seed: %d tickets, %d comments, %d requesters into %s on %s:%s\n' \
	"$TICKETS" "$COMMENTS" "$REQUESTERS" "$PGDATABASE" "$PGHOST" "$PGPORT"
start=$SECONDS
"$PSQL" -X -q -v ON_ERROR_STOP=1 -v tickets="$TICKETS" -v comments="$COMMENTS" \
	-v requesters="$REQUESTERS" -f "$REPO/bench/seed.sql" >/dev/null
# A checkpoint now, not in the middle of the measurements that follow.
"$PSQL" -X -q -v ON_ERROR_STOP=1 -c checkpoint
printf 'seed: done in %d s; the database now holds %s\n' "$((SECONDS - start))" "$(
	"$PSQL" -X -qAt -c "select format('%s tickets, %s comments, %s users, %s',
		(select count(*) from tickets), (select count(*) from ticket_comments),
		(select count(*) from users), pg_size_pretty(pg_database_size(current_database())))"
)"
