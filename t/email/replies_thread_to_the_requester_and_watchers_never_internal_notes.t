# Outbound email, end to end: an email-sourced ticket is acknowledged to its requester
# (Auto-Submitted: auto-replied); an agent's public comment goes to the requester and each
# watcher, one recipient per message, never to its author; an internal note produces no mail at
# all. Every message has Date, From, To, Reply-To (the helpdesk mailbox), the [#TKT-n] subject
# tag, a unique Message-ID of our domain, and References starting with the ticket's stable thread
# root, so all of them thread; the second message to a person answers the first.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1, smtp => 1);
my $agent = $s->login('agent@example.com');
my $r1 = $s->login('requester@example.com');
my $r2 = $s->login('requester2@example.com');

my $t = $s->create_ticket($agent, title => 'VPN drops every hour', source => 'email',
    requester_id => $r1->user->{id});
my ($n) = $t->{number} =~ /(\d+)/;
my $root = "<ticket-$t->{id}\@helpdesk.test>";

my @m = $s->wait_mails(1);
is scalar @m, 1, 'one acknowledgement';
my $ack = $m[0];
is $ack->{to}, 'requester@example.com', 'to the requester (envelope)';
is $ack->{from}, 'helpdesk@helpdesk.test', 'from the helpdesk (envelope)';
like $ack->{header}{to}[0], qr/<requester\@example\.com>$/, 'To header';
like $ack->{header}{from}[0], qr/^"Acme IT" <helpdesk\@helpdesk\.test>$/, 'From: the organisation';
is $ack->{header}{'reply-to'}[0], '<helpdesk@helpdesk.test>', 'Reply-To: the helpdesk mailbox';
is $ack->{header}{subject}[0], "[#TKT-$n] Received: VPN drops every hour", 'subject with the tag';
is $ack->{header}{'auto-submitted'}[0], 'auto-replied', 'an acknowledgement is an auto-reply';
like $ack->{header}{date}[0], qr/^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000$/, 'Date';
like $ack->{header}{'message-id'}[0], qr/^<hd\.$n\.[0-9a-f]{32}\@helpdesk\.test>$/, 'Message-ID of our domain';
is $ack->{header}{references}[0], $root, 'References: the thread root';
is $ack->{header}{'in-reply-to'}[0], $root, 'In-Reply-To: the thread root';
like $ack->{header}{'content-type'}[0], qr{^multipart/alternative}, 'text and HTML';
like $ack->{text}, qr/filed it as TKT-$n/, 'text part';
like $ack->{html}, qr/<b>VPN drops every hour<\/b>/, 'HTML part';

# a watcher, then an internal note and a public reply
$agent->t->post_ok($s->url("/api/tickets/$t->{id}/watchers") => $agent->h
    => json => { user_id => $r2->user->{id} })->status_is(201);
$agent->t->post_ok($s->url("/api/tickets/$t->{id}/comments") => $agent->h
    => json => { body_md => 'SECRET: the requester is on the naughty list', is_internal => \1 })
    ->status_is(201);
$agent->t->post_ok($s->url("/api/tickets/$t->{id}/comments") => $agent->h
    => json => { body_md => "Please update the client to <b>4.2</b> & retry.", is_internal => \0 })
    ->status_is(201);

@m = $s->wait_mails(3);
is scalar @m, 3, 'two replies after the acknowledgement';
$s->jobs_run_once;
sleep 1;
@m = $s->mails;
is scalar @m, 3, 'and nothing more: the internal note sent nothing';
unlike $_->{raw}, qr/SECRET|naughty/, "$_->{file}: no internal note" for @m;

my %reply = map { $_->{to} => $_ } @m[1, 2];
is_deeply [sort keys %reply], ['requester2@example.com', 'requester@example.com'],
    'one message to the requester, one to the watcher';
for my $addr (sort keys %reply) {
    my $r = $reply{$addr};
    is scalar(split /,/, $r->{to}), 1, "$addr: one envelope recipient";
    unlike $r->{raw_header}, qr/(?:^|\n)(?:Cc|Bcc):/i, "$addr: no Cc or Bcc";
    my @others = grep { $_ ne $addr } keys %reply;
    unlike $r->{raw}, qr/\Q$_\E/, "$addr: no other recipient's address" for @others;
    is $r->{header}{subject}[0], "[#TKT-$n] VPN drops every hour", "$addr: subject";
    is $r->{header}{'auto-submitted'}[0], 'auto-generated', "$addr: a notification";
    like $r->{text}, qr/Please update the client to <b>4\.2<\/b> & retry\./, "$addr: text as written";
    like $r->{html}, qr/Please update the client to &lt;b&gt;4\.2&lt;\/b&gt; &amp; retry\./,
        "$addr: HTML escaped";
    like $r->{header}{references}[0], qr/^\Q$root\E/, "$addr: References starts at the thread root";
}
my $ack_id = $ack->{header}{'message-id'}[0];
is $reply{'requester@example.com'}{header}{references}[0], "$root $ack_id",
    'the reply to the requester answers the acknowledgement';
is $reply{'requester@example.com'}{header}{'in-reply-to'}[0], $ack_id, 'In-Reply-To the acknowledgement';
is $reply{'requester2@example.com'}{header}{references}[0], $root, 'the watcher had no mail before';

my %ids = map { $_->{header}{'message-id'}[0] => 1 } @m;
is scalar keys %ids, 3, 'every Message-ID is unique';

is $s->psql("select string_agg(status || ':' || kind, ',' order by created_at, to_addr)"
    . " from email_outbound where ticket_id = '$t->{id}'"),
    'sent:acknowledge,sent:reply,sent:reply', 'the outbox rows are sent';
is $s->psql("select count(*) from jobs where status <> 'done' and kind like 'ticket.%'"), 0,
    'every ticket job is done';

# the requester's own comment goes to the watcher only
$r1->t->post_ok($s->url("/api/tickets/$t->{id}/comments") => $r1->h
    => json => { body_md => 'Still broken.' })->status_is(201);
@m = $s->wait_mails(4);
is scalar @m, 4, 'one more message';
is $m[3]{to}, 'requester2@example.com', 'to the watcher, not back to its author';

done_testing;
