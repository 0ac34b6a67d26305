# bench/lib.sh — what the bench scripts share; sourced, after they define die().

# Free loopback ports: random, not bound by anything in /proc/net/tcp{,6}, distinct.
pick_ports() {
	local n=$1 used port tries=0 picked=()
	used=" "
	while read -r port; do
		used+="$((16#$port)) "
	done < <(awk 'FNR > 1 { split($2, a, ":"); print a[2] }' /proc/net/tcp /proc/net/tcp6 2>/dev/null)
	while [ "${#picked[@]}" -lt "$n" ]; do
		tries=$((tries + 1))
		[ "$tries" -le 1000 ] || die "no free loopback ports found"
		port=$((20000 + RANDOM % 40000))
		[[ $used == *" $port "* ]] && continue
		used+="$port "
		picked+=("$port")
	done
	echo "${picked[@]}"
}
