# Quarantined mail is listed for admins (GET /api/admin/email/quarantine) and can be sent back to
# the worker (POST …/{id}/retry, audited); agents may do neither.
use strict;
use warnings;
use Test::More;
use HD::Stack;
use HD::Dovecot;

my $imap = HD::Dovecot->new;
my $s = HD::Stack->new(imap => $imap, seed => 1, env => { HD_MAIL_IN_AUTO_CREATE => 'off' });
my $admin = $s->login('admin@example.com');
my $agent = $s->login('agent@example.com');

$imap->append("From: newcomer\@example.net\nSubject: help\nMessage-ID: <q1\@example.net>\n\nplease\n");
is $s->wait_inbound(1), 1, 'the mail is in';

$agent->t->get_ok($s->url('/api/admin/email/quarantine'))->status_is(403);
$admin->t->get_ok($s->url('/api/admin/email/quarantine'))->status_is(200)
    ->json_is('/items/0/message_id', 'q1@example.net')
    ->json_like('/items/0/error', qr/unknown sender newcomer\@example.net/);
my $id = $admin->t->tx->res->json->{items}[0]{id};

$agent->t->post_ok($s->url("/api/admin/email/quarantine/$id/retry") => $agent->h)->status_is(403);

# the admin makes the sender a user, then retries
$s->psql("insert into users (email, display_name) values ('newcomer\@example.net', 'Newcomer')");
$admin->t->post_ok($s->url("/api/admin/email/quarantine/$id/retry") => $admin->h)->status_is(202)
    ->json_is('/status', 'received');
is $s->audit_count('email.retried'), 1, 'the retry is audited';
ok HD::Stack::wait_for(10, sub { $s->psql("select status from email_inbound") eq 'processed' }, 0.1),
    'the worker processed it again';
is $s->psql("select t.title from tickets t join users u on u.id = t.requester_id"
    . " where u.email = 'newcomer\@example.net'"), 'help', 'now it is a ticket';
$admin->t->get_ok($s->url('/api/admin/email/quarantine'))->status_is(200)->json_is('/items', []);
$admin->t->post_ok($s->url("/api/admin/email/quarantine/$id/retry") => $admin->h)->status_is(404);

done_testing;
