#!/usr/bin/env bash
# Install the Debian 12 packages the helpdesk needs to build, run and test.
# Idempotent: asks dpkg what is missing and stays silent when nothing is.
set -euo pipefail

# The one list. Add a package here and every entry point (make run, make test, .ci/run) gets it.
PACKAGES=(
	build-essential pkg-config perl curl
	nginx nginx-dev
	postgresql-15 postgresql-contrib libpq-dev
	libcjson-dev libssl-dev libcurl4-openssl-dev libjwt-dev libargon2-dev libhiredis-dev
	libicu-dev
	check libmojolicious-perl wrk
	python3-aiosmtpd
	clang libclang-rt-14-dev openssl
	libgmime-3.0-dev dovecot-imapd
	chromium
)

# chromium: the web app's browser tests (t/spa/) drive Debian's build through playwright-core; no
# browser is ever downloaded.
# The tests' OIDC provider and the web app's build run on Node.js with npm. This kind of machine ships both (NodeSource
# builds, which Debian's npm package would conflict with); only where they are absent do we
# take Debian's nodejs and npm.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	PACKAGES+=(nodejs npm)
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
	if [ "$status" != "installed" ]; then
		missing+=("$pkg")
	fi
done

[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing Debian packages: ${missing[*]}" >&2
	echo "deps: run as root (or: sudo $0)" >&2
	exit 1
fi

echo "deps: installing ${missing[*]}"

# Debian's nginx and postgresql packages start system services on :80 and :5432 when installed.
# We never use them (our stack runs its own nginx and cluster on other ports), and nginx's
# postinst fails when :80 is taken. A policy-rc.d returning 101 tells invoke-rc.d not to start
# anything; it is removed again afterwards. Works with or without systemd.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 0755 "$policy"
	own_policy=1
fi
cleanup() {
	if [ "$own_policy" -eq 1 ]; then
		rm -f "$policy"
	fi
}
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
