# A mail in the IMAP inbox becomes an email ticket; a reply (In-Reply-To) becomes a comment on it
# with the quoted original trimmed; the same message appended twice makes one ticket; every
# message is flagged \Seen once it is in; a reply by subject tag threads too.
use strict;
use warnings;
use Test::More;
use HD::Stack;
use HD::Dovecot;

my $imap = HD::Dovecot->new;
my $s = HD::Stack->new(imap => $imap);

my $first = <<'MAIL';
From: Ann Example <ann@example.com>
To: help@example.org
Subject: VPN does not connect
Message-ID: <first.1@example.com>
Date: Fri, 27 Nov 2026 09:00:00 +0000
Content-Type: text/plain; charset=utf-8

The VPN client says "timeout" since this morning.
MAIL

$imap->append($first);
$imap->append($first);    # the same message twice
is $s->wait_inbound(1), 1, 'the mail is in';
sleep 1.5;                # another round: the copy is seen and deduped

is $s->psql("select count(*) from tickets"), 1, 'one ticket for the same message twice';
my ($tid, $num, $title, $src, $desc) = split /\|/,
    $s->psql("select id, number, title, source, description from tickets");
is $title, 'VPN does not connect', 'the subject is the title';
is $src, 'email', 'source is email';
like $desc, qr/timeout/, 'the text is the description';
is $s->psql("select email from users u join tickets t on t.requester_id = u.id"), 'ann@example.com',
    'the sender became the requester';
is $s->psql("select match_rule || ' ' || status from email_inbound"), 'new_ticket processed',
    'match rule recorded';
is $s->psql("select count(*) from jobs where kind = 'email.acknowledge'"), 1,
    'an acknowledgement job is queued';

my $reply = <<"MAIL";
From: ann\@example.com
To: help\@example.org
Subject: Re: [#TKT-$num] VPN does not connect
Message-ID: <reply.2\@example.com>
In-Reply-To: <first.1\@example.com>
References: <first.1\@example.com>
Content-Type: text/plain; charset=utf-8

It works again after a restart.

On Fri, 27 Nov 2026, Helpdesk wrote:
> The VPN client says "timeout"
MAIL
$imap->append($reply);
is $s->wait_inbound(2), 2, 'the reply is in';
is $s->psql("select count(*) from tickets"), 1, 'no new ticket for a reply';
is $s->psql("select body_md from ticket_comments where ticket_id = '$tid'"),
    'It works again after a restart.', 'the reply is a comment without the quoted original';
is $s->psql("select match_rule from email_inbound where message_id = 'reply.2\@example.com'"),
    'in_reply_to', 'threaded by In-Reply-To';
like $s->psql("select parsed_json->>'body' from email_inbound where message_id = 'reply.2\@example.com'"),
    qr/> The VPN client/, 'the original text is kept in parsed_json';

$imap->append(<<"MAIL");
From: ann\@example.com
Subject: one more thing [#TKT-$num]
Message-ID: <tagged.3\@example.com>

Also the printer.
MAIL
is $s->wait_inbound(3), 3, 'the tagged mail is in';
is $s->psql("select match_rule || ' ' || (ticket_id = '$tid') from email_inbound where message_id = 'tagged.3\@example.com'"),
    'subject_tag true', 'threaded by the subject tag';

ok HD::Stack::wait_for(5, sub { my $f = $imap->flags; 4 == grep { /\\Seen/ && /HelpdeskIngested/ } values %$f }),
    'every message is flagged \Seen once it is in';
is $s->psql("select count(*) from jobs where kind = 'email.acknowledge'"), 1,
    'no acknowledgement for replies';

done_testing;
