# Appending needs a participant: a mail tagged with another requester's ticket (or replying into
# its thread) opens a new ticket linked to it, never a silent comment; an agent's reply comments.
# An unknown sender is quarantined when auto-create is off. A mail without Message-ID is keyed by
# its bytes: twice the same makes one ticket.
use strict;
use warnings;
use Test::More;
use HD::Stack;
use HD::Dovecot;

my $imap = HD::Dovecot->new;
my $s = HD::Stack->new(imap => $imap, seed => 1, env => { HD_MAIL_IN_AUTO_CREATE => 'off' });

my ($req, $other, $agent) = split /\n/, $s->psql("select email from users u where exists"
    . " (select from user_roles ur join roles r on r.id = ur.role_id where ur.user_id = u.id and r.key = 'requester')"
    . " order by email limit 2");
$agent = $s->psql("select email from users u where exists (select from user_roles ur join roles r on"
    . " r.id = ur.role_id where ur.user_id = u.id and r.key = 'agent') order by email limit 1");
ok $req && $other && $agent, "demo users: $req, $other, $agent";

$imap->append("From: $req\nSubject: my laptop\nMessage-ID: <own\@example.com>\n\nbroken\n");
is $s->wait_inbound(1), 1, 'first mail in';
my $num = $s->psql("select number from tickets");

$imap->append("From: $other\nSubject: Re: [#TKT-$num] my laptop\nMessage-ID: <intruder\@example.com>\n\nme too\n");
$imap->append("From: $other\nSubject: Re: my laptop\nIn-Reply-To: <own\@example.com>\n"
    . "Message-ID: <intruder2\@example.com>\n\nme three\n");
$imap->append("From: $agent\nSubject: Re: my laptop\nIn-Reply-To: <own\@example.com>\n"
    . "Message-ID: <agent\@example.com>\n\nOn it.\n");
is $s->wait_inbound(4), 4, 'the others are in';

is $s->psql("select count(*) from ticket_comments"), 1, 'only the agent commented';
is $s->psql("select match_rule || ' ' || (linked_ticket_id = (select id from tickets where number = $num))"
    . " from email_inbound where message_id = 'intruder\@example.com'"), 'new_linked_ticket true',
    'tag of another requester\'s ticket: a new linked ticket';
is $s->psql("select match_rule from email_inbound where message_id = 'intruder2\@example.com'"),
    'new_linked_ticket', 'reply into another requester\'s thread: a new linked ticket too';
like $s->psql("select t.description from email_inbound i join tickets t on t.id = i.ticket_id"
    . " where i.message_id = 'intruder\@example.com'"), qr/Follows up TKT-$num/, 'which says so';
is $s->psql("select count(*) from tickets"), 3, 'three tickets';

$imap->append("From: stranger\@example.net\nSubject: hi\nMessage-ID: <stranger\@example.net>\n\nwho?\n");
is $s->wait_inbound(5), 5, 'the stranger is in';
like $s->psql("select status || ': ' || error from email_inbound where message_id = 'stranger\@example.net'"),
    qr/^quarantined: unknown sender stranger\@example.net/, 'unknown sender quarantined';
is $s->psql("select count(*) from users where email = 'stranger\@example.net'"), 0, 'and not created';

my $noid = "From: $req\nSubject: no id\n\nno message id here\n";
$imap->append($noid);
$imap->append($noid);
is $s->wait_inbound(6), 6, 'the mail without Message-ID is in';
sleep 1.5;
like $s->psql("select message_id from email_inbound where subject = 'no id'"), qr/^sha256:[0-9a-f]{64}$/,
    'keyed by sha256 of its bytes';
is $s->psql("select count(*) from tickets where title = 'no id'"), 1, 'twice the same: one ticket';

done_testing;
