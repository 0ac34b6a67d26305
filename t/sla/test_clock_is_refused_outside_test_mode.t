# X-Helpdesk-Now sets the clock the database reads for one request, for tests.  A stack that is not
# in test mode refuses it with a clear 400 and changes nothing; in test mode a malformed value is
# a 400 too.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1, env => { HD_TEST_MODE => 0 });
my $admin = $s->login('admin@example.com');
my $before = $s->tickets_fingerprint;
$admin->t->post_ok($s->url('/api/tickets') => $admin->h('X-Helpdesk-Now' => '2026-03-06T16:00:00Z')
    => json => { title => 'back-dated', requester_id => $s->user_id('requester@example.com') })
    ->status_is(400)->header_like('Content-Type', qr{application/problem\+json})
    ->json_like('/detail', qr/test mode/);
$admin->t->get_ok($s->url('/api/tickets') => { 'X-Helpdesk-Now' => '2026-03-06T16:00:00Z' })
    ->status_is(400, 'reads too');
is $s->tickets_fingerprint, $before, 'nothing was created';
$admin->t->post_ok($s->url('/api/tickets') => $admin->h
    => json => { title => 'today', requester_id => $s->user_id('requester@example.com') })
    ->status_is(201, 'without the header the same request works');
$s->stop;

my $t = HD::Stack->new(seed => 1);
my $a2 = $t->login('admin@example.com');
$a2->t->get_ok($t->url('/api/tickets') => { 'X-Helpdesk-Now' => 'last tuesday' })
    ->status_is(400)->json_is('/errors/0/field', 'X-Helpdesk-Now');
$a2->t->post_ok($t->url('/api/tickets') => $a2->h('X-Helpdesk-Now' => '2026-03-06T16:00:00Z')
    => json => { title => 'back-dated', requester_id => $t->user_id('requester@example.com') })
    ->status_is(201)->json_is('/created_at', '2026-03-06T16:00:00+00:00', 'in test mode it sets the clock');
$a2->t->post_ok($t->url('/api/tickets') => $a2->h
    => json => { title => 'now', requester_id => $t->user_id('requester@example.com') })->status_is(201);
my $created = $a2->t->tx->res->json->{created_at};
isnt substr($created, 0, 10), '2026-03-06', 'and only for that request: the next one reads the real clock';

done_testing;
