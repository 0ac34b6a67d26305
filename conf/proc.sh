# shellcheck shell=bash
# Process helpers shared by conf/stack.sh and bench/run.sh (sourced, not run). They read
# /proc directly: procps may be absent.

# Wait until none of the given pids exist; false after $1 seconds.
wait_gone() {
	local timeout=$1 deadline pid alive
	shift
	deadline=$((SECONDS + timeout))
	while :; do
		alive=0
		for pid in "$@"; do
			if [ -d "/proc/$pid" ] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; then
				alive=1
			fi
		done
		[ "$alive" -eq 0 ] && return 0
		[ "$SECONDS" -ge "$deadline" ] && return 1
		sleep 0.1
	done
}

# Pids whose parent is $1 (from /proc: procps may be absent).
children_of() {
	local stat rest ppid
	for stat in /proc/[0-9]*/stat; do
		{ rest=$(<"$stat"); } 2>/dev/null || continue
		rest=${rest##*) }
		read -r _ ppid _ <<<"$rest"
		if [ "$ppid" = "$1" ]; then
			stat=${stat#/proc/}
			echo "${stat%/stat}"
		fi
	done
}
