# Loop prevention: an out-of-office (Auto-Submitted), bulk or list mail, or one from our own
# address or a mailer-daemon, still makes a ticket but never queues an acknowledgement; a person's
# mail does. A sender over the per-sender limit of new tickets is quarantined with the reason.
use strict;
use warnings;
use Test::More;
use HD::Stack;
use HD::Dovecot;

my $imap = HD::Dovecot->new;
my $s = HD::Stack->new(imap => $imap, env => { HD_MAIL_IN_RATE_LIMIT => 3,
    HD_MAIL_IN_ADDRESSES => 'help@example.org' });

my %cases = (
    ooo    => "From: ooo\@example.com\nAuto-Submitted: auto-replied\n",
    bulk   => "From: news\@example.com\nPrecedence: bulk\n",
    list   => "From: list\@example.com\nList-Id: <it.lists.example.com>\n",
    ours   => "From: Helpdesk <help\@example.org>\n",
    daemon => "From: MAILER-DAEMON\@mx.example.com\n",
    human  => "From: Dana <dana\@example.com>\nAuto-Submitted: no\n",
);
for my $k (sort keys %cases) {
    $imap->append("$cases{$k}Subject: $k\nMessage-ID: <$k\@example.com>\n\nhello\n");
}
is $s->wait_inbound(6), 6, 'every mail is in';
is $s->psql("select count(*) from tickets"), 6, 'each made a ticket';
is $s->psql("select string_agg(t.title, ',' order by t.title) from jobs j"
    . " join tickets t on t.id = (j.payload->>'ticket_id')::uuid where j.kind = 'email.acknowledge'"),
    'human', 'only the person gets an acknowledgement';
is $s->psql("select parsed_json->>'autoreply_block' from email_inbound where message_id = 'ooo\@example.com'"),
    'Auto-Submitted', 'the reason is kept';

for my $i (1 .. 4) {
    $imap->append("From: flood\@example.com\nSubject: flood $i\nMessage-ID: <flood$i\@example.com>\n\nagain\n");
}
is $s->wait_inbound(10), 10, 'the flood is in';
is $s->psql("select count(*) from tickets t join users u on u.id = t.requester_id"
    . " where u.email = 'flood\@example.com'"), 3, 'three tickets, the limit';
like $s->psql("select status || ': ' || error from email_inbound where message_id = 'flood4\@example.com'"),
    qr/^quarantined: rate limit: flood\@example.com already opened 3 tickets/, 'the fourth is quarantined with the reason';

done_testing;
