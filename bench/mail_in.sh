#!/usr/bin/env bash
# `make bench-mail-in`: inbound email end to end, against a baseline measured in the same run.
#
# A private stack (PostgreSQL, nginx, helpdesk-worker; t/lib/HD/Stack.pm, in test mode) and a
# private Dovecot (t/lib/HD/Dovecot.pm) on loopback ports. With the worker stopped, the INBOX is
# filled by pipelined IMAP APPENDs with BENCH_MESSAGES [10000] mixed mails from BENCH_SENDERS
# [500] senders: 60% open tickets (plain UTF-8, quoted-printable Latin-1, HTML-only with a
# script, multipart with a 2 kB PDF, a quarter each) and 40% reply to one of them
# (In-Reply-To, quoted text to trim).
#
#   baseline    the same folder fetched from the same server in one `UID FETCH 1:*
#               (BODY.PEEK[])`: the IMAP transport alone, messages/s
#   end to end  the worker started, until every email_inbound row is finished: fetched, stored,
#               parsed with GMime, ingested (user, thread, ticket or comment, attachments,
#               audit, jobs) and flagged, messages/s
#
#   bar         end to end >= BENCH_BAR [200] messages/s; the ratio to the baseline is printed
#
# Exit 0 when the bar passes, else 1. Everything it started is stopped at exit.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
for f in "$REPO/build/ngx_http_helpdesk_module.so" "$REPO/build/helpdesk-worker"; do
	[ -e "$f" ] || { echo "bench-mail-in: missing $f: run 'make' first" >&2; exit 1; }
done
[ -x /usr/sbin/dovecot ] || { echo "bench-mail-in: missing dovecot (make deps)" >&2; exit 1; }
cd "$REPO"
exec perl bench/mail_in.pl
