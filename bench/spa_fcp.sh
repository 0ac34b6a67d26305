#!/usr/bin/env bash
# `make bench-spa`: the agent console's queue with 50 tickets, first contentful paint in headless
# Chromium (bench/spa_fcp.mjs), next to the first contentful paint of a static page served by the
# same nginx in the same run:
#
#   queue     /agent?queue=all signed in as an agent, 50 tickets: the browser's
#             performance.getEntriesByName('first-contentful-paint'), cold cache
#   rows      information only: when the 50th row is in the page (performance.now())
#   baseline  /fcp-baseline.html: a static page of the same 50 titles in a table, with the
#             app's stylesheet, from the same nginx with the same headers (no JavaScript)
#
#   bar       queue FCP < 1000 ms (median of BENCH_ROUNDS rounds)
#
# BENCH_SPA_TRACE=1 also prints each load's resource timings (where the time goes).
#
# Needs the build (make does it) and Debian's chromium. Everything listens on 127.0.0.1 in a
# temporary directory that is removed at exit (BENCH_KEEP=1 keeps it), with every process it
# started stopped. Environment: BENCH_ROUNDS [5]. Exit 0 when the bar passes, else 1.
set -euo pipefail
umask 022

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROUNDS=${BENCH_ROUNDS:-5}
BAR_MS=1000
DIR=$(mktemp -d /tmp/hd-bench-spa.XXXXXX)
chmod 0755 "$DIR"

die() { echo "spa_fcp: $*" >&2; exit 1; }
[ -f "$REPO/spa/dist/index.html" ] || die "spa/dist is missing: run make"
[ -x "${HD_CHROMIUM:-/usr/bin/chromium}" ] || die "chromium is missing: run .ci/deps.sh"

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

cleanup() {
	HD_VAR=$DIR/var bash "$REPO/conf/stack.sh" stop >/dev/null 2>&1 || true
	if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "kept $DIR"; else rm -rf "$DIR"; fi
}
trap cleanup EXIT

# The app as built, plus the static baseline page beside it (same root, same location).
cp -r "$REPO/spa/dist" "$DIR/www"
css=$(cd "$DIR/www" && ls assets/*.css | head -1)
{
	printf '<!doctype html><html lang="en"><meta charset="utf-8"><title>Queue (static)</title>'
	printf '<link rel="stylesheet" href="/%s"><body><main class="p-4"><h1>Queue</h1><table><tbody>' "$css"
	for i in $(seq 1 50); do
		printf '<tr><td>TKT-%d</td><td>Bench ticket %d: the printer on floor %d jams</td></tr>' "$i" "$i" "$((i % 7))"
	done
	printf '</tbody></table></main></body></html>\n'
} >"$DIR/www/fcp-baseline.html"

PORT=$(free_port)
export HD_VAR=$DIR/var PGPORT=$(free_port) PORT HD_SEED=1 HD_AGENT_SCOPE=all HD_SPA_ROOT=$DIR/www
BASE=http://127.0.0.1:$PORT

echo "setting up: stack on $BASE, 50 tickets, $ROUNDS rounds"
{ bash "$REPO/conf/stack.sh" init && bash "$REPO/conf/stack.sh" start; } >"$DIR/stack.log" 2>&1 \
	|| { cat "$DIR/stack.log"; exit 1; }

# 50 tickets through the API, filed by the agent (the queue shows them all).
jar=$DIR/cookies
csrf=$(curl -sf -c "$jar" -H 'Content-Type: application/json' \
	-d '{"email":"agent@example.com","password":"demo-password"}' "$BASE/api/auth/login" \
	| python3 -c 'import json, sys; print(json.load(sys.stdin)["csrf_token"])')
for i in $(seq 1 50); do
	curl -sf -b "$jar" -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" \
		-d "{\"title\":\"Bench ticket $i: the printer on floor $((i % 7)) jams\",\"priority\":\"P$((i % 4 + 1))\"}" \
		"$BASE/api/tickets" >/dev/null || die "creating ticket $i failed"
done

json=$(cd "$REPO" && node bench/spa_fcp.mjs "$BASE" "$ROUNDS" agent@example.com demo-password)

python3 - "$json" "$BAR_MS" <<'PY'
import json, statistics, sys
d = json.loads(sys.argv[1]); bar = float(sys.argv[2])
med = {k: statistics.median(v) for k, v in d.items()}
fmt = lambda v: " ".join(f"{x:.0f}" for x in v)
print(f"{'':10} {'median ms':>10}   rounds")
print(f"{'queue FCP':10} {med['queue']:10.0f}   {fmt(d['queue'])}")
print(f"{'static FCP':10} {med['baseline']:10.0f}   {fmt(d['baseline'])}")
print(f"{'50 rows':10} {med['rows']:10.0f}   {fmt(d['rows'])}")
print(f"queue FCP is {med['queue'] / med['baseline']:.2f}x the static page's")
ok = med['queue'] < bar
print(f"bar: queue FCP < {bar:.0f} ms: {'pass' if ok else 'FAIL'} ({med['queue']:.0f} ms)")
sys.exit(0 if ok else 1)
PY
