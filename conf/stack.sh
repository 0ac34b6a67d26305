#!/usr/bin/env bash
# The private helpdesk stack: a PostgreSQL cluster, Debian's nginx with the module, and
# helpdesk-worker, all under one state directory. `make run` and the test harness
# (t/lib/HD/Stack.pm) both drive it; nothing else starts or stops these processes.
#
# usage: conf/stack.sh init|start|stop|run|reload|status|pg-start|pg-stop
#
# Environment:
#   HD_VAR         state directory (default: <repo>/var): pg/, nginx/, log/, run/, helpdesk.conf
#   PORT           nginx port on 127.0.0.1 (default 8080)
#   PGPORT         PostgreSQL port on 127.0.0.1 (default 54329)
#   HD_TEST_MODE   1 enables /api/_test/* and a faster, non-durable cluster (default 0)
#   HD_WORKERS     nginx worker processes (default 2)
#   HD_DB_POOL     helpdesk_db_pool_size (default 4)
#   HD_DB_QUEUE    helpdesk_db_queue (default 128)
#   HD_DB_TIMEOUT  helpdesk_db_timeout (default 5s)
#   HD_SEED        1: `init` also runs `helpdesk-worker seed-demo` (default 0; `run` sets it)
#   HD_MODULE      the module to load (default build/ngx_http_helpdesk_module.so)
#   HD_ASAN        1: preload libasan into nginx (for the sanitizer build of the module);
#                  reports land in $HD_VAR/log/asan.*
#   HD_AGENT_SCOPE helpdesk_agent_scope: team or all (default team)
#   HD_ATTACH_MAX  largest attachment upload (nginx size, default 25m)
#   HD_LOGIN_LIMIT helpdesk_login_limit: "failures/account failures/address window" (default "10 100 15m")
#   HD_OIDC_ISSUER, HD_OIDC_AUDIENCE, HD_OIDC_ROLES_CLAIM
#                  when HD_OIDC_ISSUER is set, nginx accepts that issuer's access tokens and the
#                  worker keeps its keys in $HD_VAR/oidc/jwks.json (HD_OIDC_REFRESH seconds, default 300)
#   HD_MAIL_IN_URL imap[s]://host:port the worker polls for inbound mail (default: none);
#                  HD_MAIL_IN_USER, HD_MAIL_IN_PASSWORD, HD_MAIL_IN_FOLDERS (INBOX),
#                  HD_MAIL_IN_INTERVAL (60 s), HD_MAIL_IN_AUTO_CREATE (on), HD_MAIL_IN_RATE_LIMIT (20),
#                  HD_MAIL_IN_MAX_ATTACHMENT (26214400 bytes), HD_MAIL_IN_ADDRESSES (our own),
#                  HD_MAIL_IN_TEST_CRASH (tests only: stored|committed, see worker/wk_mail_in.c)
#   HD_OIDC_SPA_CLIENT, HD_OIDC_SPA_SCOPE, HD_OIDC_SPA_RESOURCE
#                  with HD_OIDC_ISSUER, the web app offers single sign-on (Authorization Code + PKCE)
#                  as this public client (scope default "openid email profile"; resource: an RFC 8707
#                  resource indicator, when the issuer wants one); served as /app-config.json
#   HD_SPA_ROOT    serve the web app from this directory instead of spa/dist (bench/spa_fcp.sh)
#   HD_SLA_TICK    seconds between the worker's SLA ticks (default 60; 0: off, tests tick by hand)
#   HD_SMTP_URL, HD_MAIL_FROM, HD_ORG_NAME, HD_SMTP_STARTTLS, HD_MAIL_RETRY, HD_AUTO_CLOSE_DAYS
#                  outbound email settings written to helpdesk.conf (README "Email out"); with
#                  HD_MAIL_FROM empty (the default) no notification mail is composed
#   HD_PG_TEMPLATE tests only: a freshly initdb'd cluster is kept here and copied instead of
#                  running initdb again (the caller creates and removes it; unset = no cache)
set -euo pipefail
umask 022

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HD_VAR=$(realpath -m "${HD_VAR:-$REPO/var}")
PORT=${PORT:-8080}
PGPORT=${PGPORT:-54329}
HD_TEST_MODE=${HD_TEST_MODE:-0}
HD_WORKERS=${HD_WORKERS:-2}
HD_DB_POOL=${HD_DB_POOL:-4}
HD_DB_QUEUE=${HD_DB_QUEUE:-128}
HD_DB_TIMEOUT=${HD_DB_TIMEOUT:-5s}
HD_SEED=${HD_SEED:-0}
HD_AGENT_SCOPE=${HD_AGENT_SCOPE:-team}
HD_ATTACH_MAX=${HD_ATTACH_MAX:-25m}
HD_LOGIN_LIMIT=${HD_LOGIN_LIMIT:-10 100 15m}
HD_OIDC_ISSUER=${HD_OIDC_ISSUER:-}
HD_OIDC_AUDIENCE=${HD_OIDC_AUDIENCE:-helpdesk}
HD_OIDC_ROLES_CLAIM=${HD_OIDC_ROLES_CLAIM:-roles}
HD_OIDC_REFRESH=${HD_OIDC_REFRESH:-300}
HD_OIDC_SPA_CLIENT=${HD_OIDC_SPA_CLIENT:-}
HD_OIDC_SPA_SCOPE=${HD_OIDC_SPA_SCOPE:-openid email profile}
HD_OIDC_SPA_RESOURCE=${HD_OIDC_SPA_RESOURCE:-}
HD_SLA_TICK=${HD_SLA_TICK:-60}
HD_PG_TEMPLATE=${HD_PG_TEMPLATE:-}
HD_MAIL_IN_URL=${HD_MAIL_IN_URL:-}
# outbound email
HD_SMTP_URL=${HD_SMTP_URL:-}
HD_SMTP_STARTTLS=${HD_SMTP_STARTTLS:-required}
HD_MAIL_FROM=${HD_MAIL_FROM:-}
HD_ORG_NAME=${HD_ORG_NAME:-Helpdesk}
HD_MAIL_RETRY=${HD_MAIL_RETRY:-5}
HD_AUTO_CLOSE_DAYS=${HD_AUTO_CLOSE_DAYS:-3}

PGBIN=/usr/lib/postgresql/15/bin
NGINX=/usr/sbin/nginx
MODULE=${HD_MODULE:-$REPO/build/ngx_http_helpdesk_module.so}
WORKER_BIN=$REPO/build/helpdesk-worker
TEMPLATE=$REPO/conf/nginx.conf.in

PGDATA=$HD_VAR/pg
LOG_DIR=$HD_VAR/log
RUN_DIR=$HD_VAR/run
PREFIX=$HD_VAR/nginx
NGINX_CONF=$HD_VAR/nginx.conf
NGINX_PID=$PREFIX/nginx.pid
WORKER_PID=$RUN_DIR/worker.pid
HD_CONF=$HD_VAR/helpdesk.conf
SEED_LOG=$LOG_DIR/seed-demo.log

# Seconds to wait for things to come up or go away.
START_TIMEOUT=20
STOP_TIMEOUT=15

# The worker's own settings come from $HD_CONF; a HELPDESK_DB in the caller's environment
# would silently point it at another database.
unset HELPDESK_DB

. "$REPO/conf/proc.sh"

say() { printf 'stack: %s\n' "$*"; }
die() {
	printf 'stack: %s\n' "$*" >&2
	exit 1
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# Run a command as the PostgreSQL owner: initdb and pg_ctl refuse to run as root.
as_pg() {
	if is_root; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# Make every ancestor of $1 traversable by user $2 (o+x only: no listing). Needed when the
# state dir lives under /root or in a 0700 temp dir and postgres/nobody must reach it.
make_traversable() {
	local path=$1 user=$2 dir
	is_root || return 0
	runuser -u "$user" -- test -x "$path" 2>/dev/null && return 0
	dir=$path
	while [ "$dir" != "/" ]; do
		if ! runuser -u "$user" -- test -x "$dir" 2>/dev/null; then
			say "chmod o+x $dir (so $user can reach $path)"
			chmod o+x "$dir"
		fi
		dir=$(dirname "$dir")
	done
}

# True when pid file $1 names a live process whose command line contains $2.
pid_alive() {
	local pidfile=$1 marker=$2 pid
	[ -s "$pidfile" ] || return 1
	pid=$(<"$pidfile")
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	[ -r "/proc/$pid/cmdline" ] || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$marker"
}

psql_su() {
	"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U postgres "$@"
}

# ---------------------------------------------------------------------------- PostgreSQL

pg_running() {
	[ -f "$PGDATA/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1
}

pg_init_cluster() {
	[ -f "$PGDATA/PG_VERSION" ] && return 0
	if [ -n "$HD_PG_TEMPLATE" ] && [ -f "$HD_PG_TEMPLATE/PG_VERSION" ]; then
		rm -rf "$PGDATA"
		cp -a "$HD_PG_TEMPLATE" "$PGDATA"
		return 0
	fi
	say "creating PostgreSQL cluster in $PGDATA"
	mkdir -p "$PGDATA"
	is_root && chown postgres:postgres "$PGDATA"
	chmod 0700 "$PGDATA"
	local nosync=()
	[ "$HD_TEST_MODE" = 1 ] && nosync=(--no-sync)
	if ! as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
		"${nosync[@]}" >"$LOG_DIR/initdb.log" 2>&1; then
		cat "$LOG_DIR/initdb.log" >&2
		die "initdb failed"
	fi
	{
		echo "# added by conf/stack.sh"
		echo "max_connections = 100"
		if [ "$HD_TEST_MODE" = 1 ]; then
			echo "# test clusters are throwaway: trade durability for speed"
			echo "fsync = off"
			echo "synchronous_commit = off"
			echo "full_page_writes = off"
		fi
	} >>"$PGDATA/postgresql.conf"
	if [ -n "$HD_PG_TEMPLATE" ]; then
		# Publish atomically: concurrent test files may race to create the same template.
		local tmp=$HD_PG_TEMPLATE.tmp.$$
		cp -a "$PGDATA" "$tmp"
		mv -T "$tmp" "$HD_PG_TEMPLATE" 2>/dev/null || rm -rf "$tmp"
	fi
}

pg_start() {
	pg_running && return 0
	[ -f "$PGDATA/PG_VERSION" ] || die "no cluster in $PGDATA: run 'conf/stack.sh init' first"
	mkdir -p "$LOG_DIR"
	make_traversable "$PGDATA" postgres
	touch "$LOG_DIR/postgres.log"
	is_root && chown postgres "$LOG_DIR/postgres.log"
	if ! as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$LOG_DIR/postgres.log" -w -t "$START_TIMEOUT" \
		-o "-p $PGPORT -c listen_addresses=127.0.0.1 -c unix_socket_directories='$PGDATA'" \
		start >/dev/null; then
		tail -n 20 "$LOG_DIR/postgres.log" >&2
		die "PostgreSQL did not start on 127.0.0.1:$PGPORT (log: $LOG_DIR/postgres.log)"
	fi
}

pg_stop() {
	pg_running || return 0
	if ! as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w -t "$STOP_TIMEOUT" stop >/dev/null; then
		say "PostgreSQL did not stop in ${STOP_TIMEOUT}s; immediate shutdown"
		as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate -w -t "$STOP_TIMEOUT" stop >/dev/null
	fi
}

# ---------------------------------------------------------------------------- nginx

spa_root() {
	if [ -n "${HD_SPA_ROOT:-}" ]; then
		echo "$HD_SPA_ROOT"
		return
	fi
	if [ -f "$REPO/spa/dist/index.html" ]; then
		echo "$REPO/spa/dist"
		return
	fi
	local www=$HD_VAR/www
	mkdir -p "$www"
	cat >"$www/index.html" <<-'HTML'
		<!doctype html>
		<title>helpdesk</title>
		<p>The web app is not built yet (spa/dist is missing). The API is at <a href="/api/readyz">/api/</a>.
	HTML
	echo "$www"
}

# The OIDC directives, when an issuer is configured; a comment otherwise.
oidc_directives() {
	if [ -z "$HD_OIDC_ISSUER" ]; then
		echo "# OIDC bearer tokens: off (set HD_OIDC_ISSUER)"
		return
	fi
	cat <<-EOF
		helpdesk_oidc_issuer $HD_OIDC_ISSUER;
		    helpdesk_oidc_audience $HD_OIDC_AUDIENCE;
		    helpdesk_oidc_roles_claim $HD_OIDC_ROLES_CLAIM;
		    helpdesk_oidc_jwks_file $HD_VAR/oidc/jwks.json;
	EOF
}

# The web app's /app-config.json: the issuer and client for single sign-on (Authorization Code +
# PKCE) when both HD_OIDC_ISSUER and HD_OIDC_SPA_CLIENT are set, else {}.
spa_config() {
	if [ -z "$HD_OIDC_ISSUER" ] || [ -z "$HD_OIDC_SPA_CLIENT" ]; then
		echo '{}'
		return
	fi
	local v ok='^[A-Za-z0-9 ._:/?=&%~+@-]*$'   # nothing that could end a JSON or nginx string
	for v in "$HD_OIDC_ISSUER" "$HD_OIDC_SPA_CLIENT" "$HD_OIDC_SPA_SCOPE" "$HD_OIDC_SPA_RESOURCE"; do
		[[ $v =~ $ok ]] || die "unsafe character in the OIDC settings: $v"
	done
	printf '{"oidc":{"issuer":"%s","client_id":"%s","scope":"%s","resource":"%s"}}' \
		"$HD_OIDC_ISSUER" "$HD_OIDC_SPA_CLIENT" "$HD_OIDC_SPA_SCOPE" "$HD_OIDC_SPA_RESOURCE"
}

# The origin the web app may call besides its own: the issuer's, with single sign-on.
spa_connect() {
	[ -n "$HD_OIDC_ISSUER" ] && [ -n "$HD_OIDC_SPA_CLIENT" ] || return 0
	[[ $HD_OIDC_ISSUER =~ ^(https?://[^/]+) ]] && echo "${BASH_REMATCH[1]}"
}

render_nginx_conf() {
	local conf user_directive="" test_mode=off spa app_db
	[ -f "$TEMPLATE" ] || die "missing $TEMPLATE"
	conf=$(<"$TEMPLATE")
	if is_root; then
		user_directive="user nobody nogroup;                   # workers drop root"
	fi
	[ "$HD_TEST_MODE" = 1 ] && test_mode=on
	spa=$(spa_root)
	make_traversable "$spa" nobody
	make_traversable "$PREFIX" nobody
	app_db="hostaddr=127.0.0.1 port=$PGPORT dbname=helpdesk user=helpdesk_app application_name=helpdesk-nginx"
	# Quoted replacements: bash 5.2 would otherwise expand '&' in them.
	conf=${conf//@USER_DIRECTIVE@/"$user_directive"}
	conf=${conf//@PREFIX@/"$PREFIX"}
	conf=${conf//@LOG_DIR@/"$LOG_DIR"}
	conf=${conf//@MODULE@/"$MODULE"}
	conf=${conf//@WORKERS@/"$HD_WORKERS"}
	conf=${conf//@PORT@/"$PORT"}
	conf=${conf//@DB@/"$app_db"}
	conf=${conf//@DB_POOL@/"$HD_DB_POOL"}
	conf=${conf//@DB_QUEUE@/"$HD_DB_QUEUE"}
	conf=${conf//@DB_TIMEOUT@/"$HD_DB_TIMEOUT"}
	conf=${conf//@TEST_MODE@/"$test_mode"}
	conf=${conf//@SPA_ROOT@/"$spa"}
	conf=${conf//@CONF_DIR@/"$REPO/conf"}
	conf=${conf//@SESSION_KEY_FILE@/"$HD_VAR/secrets/session.key"}
	conf=${conf//@AGENT_SCOPE@/"$HD_AGENT_SCOPE"}
	conf=${conf//@ATTACH_DIR@/"$HD_VAR/attachments"}
	conf=${conf//@ATTACH_MAX@/"$HD_ATTACH_MAX"}
	conf=${conf//@MAIL_WEBHOOK_SECRET_FILE@/"$HD_VAR/secrets/mail-webhook.secret"}
	# tests read the access log at once; otherwise write it in 64k blocks (one write per
	# request costs ~15% of throughput)
	if [ "$HD_TEST_MODE" = 1 ]; then
		conf=${conf//@ACCESS_LOG_BUFFER@/}
	else
		conf=${conf//@ACCESS_LOG_BUFFER@/" buffer=64k flush=1s"}
	fi
	conf=${conf//@LOGIN_LIMIT@/"$HD_LOGIN_LIMIT"}
	conf=${conf//@OIDC@/"$(oidc_directives)"}
	conf=${conf//@SPA_CONFIG@/"$(spa_config)"}
	conf=${conf//@SPA_CONNECT@/"$(spa_connect)"}
	if [[ $conf =~ @[A-Z_]+@ ]]; then
		die "unreplaced placeholder ${BASH_REMATCH[0]} in $TEMPLATE"
	fi
	printf '%s\n' "$conf" >"$NGINX_CONF"
}

nginx_running() { pid_alive "$NGINX_PID" "$PREFIX"; }

nginx_start() {
	if nginx_running; then
		say "nginx already running (pid $(<"$NGINX_PID"))"
		return 0
	fi
	[ -f "$MODULE" ] || die "missing $MODULE: run 'make' first"
	mkdir -p "$PREFIX/tmp" "$LOG_DIR"
	# the attachment store: nginx workers write it (same file system as their temp files,
	# so an upload is linked in, not copied)
	(umask 027 && mkdir -p "$HD_VAR/attachments")
	is_root && chown nobody:nogroup "$HD_VAR/attachments"
	render_nginx_conf
	local nginx_cmd=("$NGINX" -p "$PREFIX" -c "$NGINX_CONF" -e "$LOG_DIR/nginx-error.log")
	if [ "${HD_ASAN:-0}" = 1 ]; then
		# workers run as nobody: the report directory must be theirs to write
		chmod 0777 "$LOG_DIR"
		nginx_cmd=(env "LD_PRELOAD=$(gcc -print-file-name=libasan.so)"
			"ASAN_OPTIONS=detect_leaks=0:log_path=$LOG_DIR/asan"
			"UBSAN_OPTIONS=print_stacktrace=1:log_path=$LOG_DIR/asan" "${nginx_cmd[@]}")
	fi
	if ! "${nginx_cmd[@]}" -t -q 2>"$LOG_DIR/nginx-configtest.log"; then
		cat "$LOG_DIR/nginx-configtest.log" >&2
		die "nginx rejected $NGINX_CONF"
	fi
	# setsid: a Ctrl-C in the terminal reaches stack.sh only, which then stops everything in order.
	setsid "${nginx_cmd[@]}" </dev/null >>"$LOG_DIR/nginx-stderr.log" 2>&1 &
	local pid=$! deadline=$((SECONDS + START_TIMEOUT))
	until nginx_running; do
		if ! kill -0 "$pid" 2>/dev/null; then
			tail -n 20 "$LOG_DIR/nginx-error.log" >&2 || true
			die "nginx exited at start (log: $LOG_DIR/nginx-error.log)"
		fi
		[ "$SECONDS" -ge "$deadline" ] && die "nginx wrote no pid file in ${START_TIMEOUT}s"
		sleep 0.05
	done
}

# The master, then its workers: both must be gone before we report stopped.
nginx_stop() {
	nginx_running || return 0
	local master children
	master=$(<"$NGINX_PID")
	children=$(children_of "$master")
	# shellcheck disable=SC2086 # word splitting of the pid list is intended
	kill -QUIT "$master" 2>/dev/null || true
	# shellcheck disable=SC2086
	if ! wait_gone "$STOP_TIMEOUT" "$master" $children; then
		say "nginx did not quit in ${STOP_TIMEOUT}s; TERM"
		# shellcheck disable=SC2086
		kill -TERM "$master" $children 2>/dev/null || true
		# shellcheck disable=SC2086
		if ! wait_gone 5 "$master" $children; then
			# shellcheck disable=SC2086
			kill -KILL "$master" $children 2>/dev/null || true
			# shellcheck disable=SC2086
			wait_gone 5 "$master" $children || die "nginx processes survive SIGKILL"
		fi
	fi
	rm -f "$NGINX_PID"
}

nginx_reload() {
	nginx_running || die "nginx is not running"
	render_nginx_conf
	kill -HUP "$(<"$NGINX_PID")"
}

# ---------------------------------------------------------------------------- helpdesk-worker

worker_cli() {
	[ -x "$WORKER_BIN" ] || die "missing $WORKER_BIN: run 'make' first"
	(cd "$REPO" && HELPDESK_CONF=$HD_CONF "$WORKER_BIN" "$@")
}

worker_running() { pid_alive "$WORKER_PID" helpdesk-worker; }

worker_start() {
	if worker_running; then
		say "helpdesk-worker already running (pid $(<"$WORKER_PID"))"
		return 0
	fi
	[ -x "$WORKER_BIN" ] || die "missing $WORKER_BIN: run 'make' first"
	mkdir -p "$RUN_DIR" "$LOG_DIR"
	(
		cd "$REPO"
		HELPDESK_CONF=$HD_CONF setsid "$WORKER_BIN" run </dev/null >>"$LOG_DIR/worker.log" 2>&1 &
		echo $! >"$WORKER_PID"
	)
}

worker_stop() {
	worker_running || {
		rm -f "$WORKER_PID"
		return 0
	}
	local pid
	pid=$(<"$WORKER_PID")
	kill -TERM "$pid" 2>/dev/null || true
	if ! wait_gone "$STOP_TIMEOUT" "$pid"; then
		say "helpdesk-worker ignored SIGTERM for ${STOP_TIMEOUT}s; KILL"
		kill -KILL "$pid" 2>/dev/null || true
		wait_gone 5 "$pid" || die "helpdesk-worker survives SIGKILL"
	fi
	rm -f "$WORKER_PID"
}

# ---------------------------------------------------------------------------- subcommands

wait_healthy() {
	local url="http://127.0.0.1:$PORT/api/healthz" deadline=$((SECONDS + START_TIMEOUT))
	until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
		nginx_running || die "nginx died while starting (log: $LOG_DIR/nginx-error.log)"
		[ "$SECONDS" -ge "$deadline" ] && die "$url did not answer in ${START_TIMEOUT}s"
		sleep 0.1
	done
}

cmd_init() {
	mkdir -p "$HD_VAR" "$LOG_DIR" "$RUN_DIR" "$HD_VAR/oidc"
	# the session key (nginx creates it on first start) is read by the master only
	(umask 077 && mkdir -p "$HD_VAR/secrets")
	# the inbound email webhook's shared secret (the MTA signs with it); made once
	if [ ! -s "$HD_VAR/secrets/mail-webhook.secret" ]; then
		(umask 077 && openssl rand -hex 32 >"$HD_VAR/secrets/mail-webhook.secret")
	fi
	make_traversable "$HD_VAR" postgres
	pg_init_cluster
	pg_start
	if [ -z "$(psql_su -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'helpdesk'")" ]; then
		say "creating database helpdesk"
		psql_su -d postgres -c "CREATE DATABASE helpdesk"
	fi
	cat >"$HD_CONF" <<-EOF
		# Written by conf/stack.sh init (rewritten on every init). Read by build/helpdesk-worker.
		db = hostaddr=127.0.0.1 port=$PGPORT dbname=helpdesk user=postgres
		migrations_dir = $REPO/migrations
		oidc_issuer = $HD_OIDC_ISSUER
		oidc_jwks_file = $HD_VAR/oidc/jwks.json
		oidc_refresh_seconds = $HD_OIDC_REFRESH
		attachments_dir = $HD_VAR/attachments
		instance_key_file = $HD_VAR/secrets/session.key
		mail_in_url = $HD_MAIL_IN_URL
		mail_in_user = ${HD_MAIL_IN_USER:-}
		mail_in_password = ${HD_MAIL_IN_PASSWORD:-}
		mail_in_folders = ${HD_MAIL_IN_FOLDERS:-INBOX}
		mail_in_interval = ${HD_MAIL_IN_INTERVAL:-60}
		mail_in_auto_create = ${HD_MAIL_IN_AUTO_CREATE:-on}
		mail_in_rate_limit = ${HD_MAIL_IN_RATE_LIMIT:-20}
		mail_in_max_attachment = ${HD_MAIL_IN_MAX_ATTACHMENT:-26214400}
		mail_in_addresses = ${HD_MAIL_IN_ADDRESSES:-}
		mail_in_test_crash = ${HD_MAIL_IN_TEST_CRASH:-}
		sla_tick_seconds = $HD_SLA_TICK
		# outbound email (README "Email out")
		smtp_url = $HD_SMTP_URL
		smtp_starttls = $HD_SMTP_STARTTLS
		mail_from = $HD_MAIL_FROM
		org_name = $HD_ORG_NAME
		public_url = http://127.0.0.1:$PORT
		mail_retry_seconds = $HD_MAIL_RETRY
		auto_close_days = $HD_AUTO_CLOSE_DAYS
	EOF
	worker_cli migrate
	if [ "$HD_SEED" = 1 ]; then
		# The banner of `run` prints the accounts; keep them for it (and for the curious).
		if ! worker_cli seed-demo >"$SEED_LOG"; then
			cat "$SEED_LOG" >&2
			die "seed-demo failed"
		fi
	fi
}

cmd_start() {
	pg_start
	nginx_start
	worker_start
	wait_healthy
}

cmd_stop() {
	local rc=0
	nginx_stop || rc=1
	worker_stop || rc=1
	pg_stop || rc=1
	return "$rc"
}

cmd_status() {
	local rc=0
	if pg_running; then say "postgres  running  127.0.0.1:$PGPORT  data $PGDATA"; else
		say "postgres  stopped"
		rc=3
	fi
	if nginx_running; then say "nginx     running  http://127.0.0.1:$PORT/  pid $(<"$NGINX_PID")"; else
		say "nginx     stopped"
		rc=3
	fi
	if worker_running; then say "worker    running  pid $(<"$WORKER_PID")"; else
		say "worker    stopped"
		rc=3
	fi
	return "$rc"
}

banner() {
	cat <<-EOF

		helpdesk is running at http://127.0.0.1:$PORT/

		  try:      curl -s http://127.0.0.1:$PORT/api/readyz
		            curl -s http://127.0.0.1:$PORT/metrics
		  sign in:  curl -s -c cookies -H 'Content-Type: application/json' \\
		              -d '{"email":"admin@example.com","password":"demo-password"}' \\
		              http://127.0.0.1:$PORT/api/auth/login
		            curl -s -b cookies http://127.0.0.1:$PORT/api/me
		  CLI:      build/helpdesk-worker migrate --status     (settings: $HD_CONF)
		  database: $PGBIN/psql -h 127.0.0.1 -p $PGPORT -U postgres helpdesk
		  logs:     $LOG_DIR/{nginx-error,nginx-access,worker,postgres}.log

	EOF
	if [ -s "$SEED_LOG" ]; then
		echo "  demo organisation (from helpdesk-worker seed-demo):"
		sed 's/^/    /' "$SEED_LOG"
		echo
	fi
	echo "Ctrl-C stops everything; data stays in $HD_VAR ('make reset' wipes it)."
}

STOPPING=0
on_signal() {
	[ "$STOPPING" -eq 1 ] && return
	STOPPING=1
	echo
	say "stopping"
	cmd_stop
	exit 0
}

cmd_run() {
	trap on_signal INT TERM
	HD_SEED=1 cmd_init
	if ! cmd_start; then
		cmd_stop || true
		exit 1
	fi
	banner
	while nginx_running && worker_running && pg_running; do
		sleep 1 &
		wait $! || true
	done
	say "a component stopped unexpectedly; see $LOG_DIR"
	cmd_status || true
	STOPPING=1
	cmd_stop || true
	exit 1
}

case "${1:-}" in
init) cmd_init ;;
start) cmd_start ;;
stop) cmd_stop ;;
run) cmd_run ;;
reload) nginx_reload ;;
status) cmd_status ;;
pg-start) pg_start ;;
pg-stop) pg_stop ;;
*)
	echo "usage: $0 init|start|stop|run|reload|status|pg-start|pg-stop" >&2
	exit 2
	;;
esac
