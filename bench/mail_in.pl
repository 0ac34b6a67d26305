#!/usr/bin/perl
# bench/mail_in.pl — run by bench/mail_in.sh (`make bench-mail-in`); see there.
use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/../t/lib";

use IO::Socket::INET;
use MIME::Base64 qw(encode_base64);
use Test::More;
use Time::HiRes qw(time sleep);

use HD::Dovecot;
use HD::Stack;

my $N       = $ENV{BENCH_MESSAGES} // 10_000;
my $SENDERS = $ENV{BENCH_SENDERS}  // 500;
my $BAR     = $ENV{BENCH_BAR}      // 200;    # messages/s end to end
my $TIMEOUT = $ENV{BENCH_TIMEOUT}  // 600;

sub say { printf "bench-mail-in: %s\n", join '', @_ }

# ---------------------------------------------------------------- a minimal IMAP client

sub imap_open {
    my ($imap) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $imap->port, Timeout => 5)
        or die "connect: $!";
    binmode $s;
    my $greet = <$s>;
    imap_cmd($s, 'l', 'LOGIN ' . $imap->user . ' ' . $imap->password);
    return $s;
}

# Send a command and read until its tagged answer; returns the bytes read.
sub imap_cmd {
    my ($s, $tag, $cmd, $literal) = @_;
    print $s "$tag $cmd\r\n";
    print $s $literal, "\r\n" if defined $literal;
    my $all = '';
    while (defined(my $line = <$s>)) {
        if ($line =~ /\{(\d+)\}\r\n\z/) {
            my $want = $1;
            my $got = '';
            while (length $got < $want) {
                my $n = read($s, $got, $want - length $got, length $got) or die "short read";
            }
            $all .= $line . $got;
            next;
        }
        $all .= $line;
        if ($line =~ /^\Q$tag\E (OK|NO|BAD)/) {
            die "IMAP $cmd: $line" unless $1 eq 'OK';
            return $all;
        }
    }
    die "IMAP connection closed during $cmd";
}

# ---------------------------------------------------------------- the mixed folder

my @new;    # [message number, sender] of the mails that open tickets
my $pdf = encode_base64("%PDF-1.4\n" . ('%' x 2000));

sub message {
    my ($i) = @_;
    my $date = 'Fri, 27 Nov 2026 09:00:00 +0000';
    if (@new > 50 && $i % 5 < 2) {
        my ($j, $from) = @{ $new[ ($i * 7919) % @new ] };
        return "From: $from\r\nTo: help\@example.org\r\nSubject: Re: request $j\r\n"
            . "Message-ID: <m$i\@bench.example>\r\nIn-Reply-To: <m$j\@bench.example>\r\n"
            . "References: <m$j\@bench.example>\r\nDate: $date\r\n"
            . "Content-Type: text/plain; charset=utf-8\r\n\r\n"
            . "Thanks, that helped with $i.\r\n\r\nOn Thu, someone wrote:\r\n> request $j\r\n";
    }
    my $from = sprintf 'user%d@bench.example', $i % $SENDERS;
    push @new, [ $i, $from ];
    my $head = "From: User <$from>\r\nTo: help\@example.org\r\nSubject: request $i\r\n"
        . "Message-ID: <m$i\@bench.example>\r\nDate: $date\r\nMIME-Version: 1.0\r\n";
    my $kind = $i % 4;
    return $head . "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        . "My laptop $i does not start.\r\nIt beeps three times.\r\n" if $kind == 0;
    return $head . "Content-Type: text/plain; charset=iso-8859-1\r\n"
        . "Content-Transfer-Encoding: quoted-printable\r\n\r\nL'imprimante =E9tage $i est en panne.\r\n"
        if $kind == 1;
    return $head . "Content-Type: text/html; charset=utf-8\r\n\r\n"
        . "<html><body><p>The <b>VPN</b> drops every $i minutes.</p><script>x()</script></body></html>\r\n"
        if $kind == 2;
    return $head . "Content-Type: multipart/mixed; boundary=\"b$i\"\r\n\r\n"
        . "--b$i\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nInvoice $i attached.\r\n"
        . "--b$i\r\nContent-Type: application/pdf; name=\"invoice-$i.pdf\"\r\n"
        . "Content-Disposition: attachment; filename=\"invoice-$i.pdf\"\r\n"
        . "Content-Transfer-Encoding: base64\r\n\r\n$pdf--b$i--\r\n";
}

# ---------------------------------------------------------------- run

my $imap = HD::Dovecot->new(fsync => $ENV{BENCH_DOVECOT_FSYNC} // 'never');
my $s = HD::Stack->new(imap => $imap, env => { HD_MAIL_IN_RATE_LIMIT => 0 });

# the worker waits while the folder fills
my $pid = $s->worker_pid;
kill 'TERM', $pid;
HD::Stack::wait_for(15, sub { !HD::Stack::alive($pid) }, 0.05) or die "worker did not stop";

my $c = imap_open($imap);
my $bytes = 0;
my $t = time;
# pipelined APPENDs (LITERAL+), answers read every 100 so neither side's buffer fills up
for (my $from = 1; $from <= $N; $from += 100) {
    my $to = $from + 99 > $N ? $N : $from + 99;
    for my $i ($from .. $to) {
        my $m = message($i);
        $bytes += length $m;
        print $c "a$i APPEND INBOX {" . length($m) . "+}\r\n$m\r\n";
    }
    $c->flush;
    for my $i ($from .. $to) {
        while (defined(my $line = <$c>)) {
            last if $line =~ /^a\d+ OK/;
            die "APPEND: $line" if $line =~ /^a\d+ (NO|BAD)/;
        }
    }
}
say sprintf "folder: %d messages, %.1f MB, %d new-ticket mails from %d senders, appended in %.1f s",
    $N, $bytes / 1e6, scalar @new, $SENDERS, time - $t;

# baseline: the same folder's bytes from the same server, in one UID FETCH
imap_cmd($c, 's', 'SELECT INBOX');
$t = time;
my $all = imap_cmd($c, 'f', 'UID FETCH 1:* (BODY.PEEK[])');
my $fetch_s = time - $t;
my $fetched = () = $all =~ /\* \d+ FETCH/g;
die "baseline fetched $fetched of $N" unless $fetched == $N;
my $base = $N / $fetch_s;
say sprintf "baseline: IMAP fetch of all %d messages in one command: %.2f s = %.0f messages/s",
    $N, $fetch_s, $base;
imap_cmd($c, 'o', 'LOGOUT');
close $c;

# end to end: from the worker's start until every mail is a ticket, a comment or quarantined
$t = time;
$s->stack('start');
my $done = 0;
HD::Stack::wait_for($TIMEOUT, sub {
    $done = $s->psql("select count(*) from email_inbound where status <> 'received'");
    $done >= $N;
}, 0.2);
my $e2e_s = time - $t;
my $rate = $done / $e2e_s;

my ($tickets, $comments, $quarantined, $attachments) = split /\|/, $s->psql(
    "select (select count(*) from tickets), (select count(*) from ticket_comments),"
    . " (select count(*) from email_inbound where status = 'quarantined'),"
    . " (select count(*) from attachments)");
say sprintf "end to end: %d of %d messages in %.2f s = %.0f messages/s (%d tickets, %d comments,"
    . " %d attachments, %d quarantined)", $done, $N, $e2e_s, $rate, $tickets, $comments,
    $attachments, $quarantined;
say sprintf "ratio: end to end is %.1f%% of the IMAP fetch baseline", 100 * $rate / $base;

# every mail flagged on the server too (the flag follows each batch's commit)
my $unflagged;
HD::Stack::wait_for(15, sub {
    my $c = imap_open($imap);
    imap_cmd($c, 's', 'SELECT INBOX');
    my ($line) = imap_cmd($c, 'u', 'UID SEARCH UNKEYWORD $HelpdeskIngested') =~ /^\* SEARCH([^\r\n]*)/m;
    imap_cmd($c, 'o', 'LOGOUT');
    $unflagged = () = ($line // '') =~ /\d+/g;
    $unflagged == 0;
}, 0.5);
say sprintf "flagged: %d of %d messages carry \$HelpdeskIngested", $N - $unflagged, $N;
ok $unflagged == 0, 'every message flagged after its commit';

my $ok = $done == $N && $rate >= $BAR;
say sprintf "bar: >= %d messages/s end to end: %s", $BAR, $ok ? 'pass' : 'FAIL';

ok $ok, 'bench-mail-in bar';
done_testing;
