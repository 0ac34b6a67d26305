# `helpdesk-worker audit verify` recomputes every event of an untouched chain in C and exits 0,
# counting exactly the events in audit_events and quoting the chain head's hash: real sign-ins,
# events whose diff, address and user agent hold non-ASCII text, quotes, IPv6 and NULLs, and
# more events than one page of the walk.  --from checks the events from an id on.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);

$s->login('admin@example.com');
$s->login_tx('agent@example.com', 'wrong password');
$s->login_tx('nobody@example.com', 'wrong password');
$s->login('agent@example.com');

# What jsonb, inet and text render, PostgreSQL renders; the verifier must hash the same bytes.
$s->psql(q{select audit_append('user', (select id from users where email = 'admin@example.com'),
    'ticket', uuid_v7(), 'test.unicode',
    jsonb_build_object('title', U&'Dr\00FCcker \2603 "kaputt"'
                                || ' \ C:\temp' || chr(10) || 'line 2',
                       'n', 1.50, 'big', 12345678901234567890, 'e', 1e-7,
                       'nested', '{"b": [true, null], "a": {}}'::jsonb),
    '2001:db8::1/64', U&'Mozilla/5.0 (X11) \00E9t\00E9')});
$s->psql(q{select audit_append('system', null, 'user', null, 'test.nulls', null, null, null)});
$s->psql(q{select audit_append('email', uuid_v7(), 'ticket', null, 'test.long_ua', '{}', '::ffff:10.1.2.3',
    repeat('u', 600))});
is $s->psql(q{select diff_json->>'title' from audit_events where action = 'test.unicode'}),
    "Dr\x{c3}\x{bc}cker \x{e2}\x{98}\x{83} \"kaputt\" \\ C:\\temp\nline 2", 'the fixture holds what it says';
my @more = $s->audit_append_n(10010);    # the walk reads 10 000 events per page

my $count = $s->psql('select count(*) from audit_events');
cmp_ok $count, '>', 10010, "$count events in the log";
my $head = $s->psql(q{select encode(last_hash, 'hex') from audit_chain_head});

my ($rc, $out) = $s->worker_cli('audit', 'verify');
is $rc, 0, 'verify exits 0' or diag $out;
like $out, qr/^audit chain intact: \Q$count\E events, head \Q$head\E$/m,
    'and says how many events it checked and the head it reached' or diag $out;

my $from = $more[5000];
my $tail = $s->psql("select count(*) from audit_events where id >= $from");
($rc, $out) = $s->worker_cli('audit', 'verify', '--from', $from);
is $rc, 0, '--from exits 0' or diag $out;
like $out, qr/^audit chain intact from event $from: $tail events, head \Q$head\E$/m,
    'and checks the events from that id on' or diag $out;

done_testing;
