# Two agents edit the same ticket: the second one, still holding the old version, gets 409 with the
# current version and changes nothing; a PATCH without If-Match is 428 and changes nothing.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $a1 = $s->login('agent@example.com');
my $a2 = $s->login('lead@example.com');
my $t = $s->create_ticket($a1, title => 'VPN drops', requester_id => $s->user_id('requester@example.com'));
my $url = $s->url("/api/tickets/$t->{id}");

$a1->t->patch_ok($url => $a1->h('If-Match' => '"1"') => json => { priority => 'P1' })
    ->status_is(200)->json_is('/version', 2);

my $before = $s->tickets_fingerprint;
$a2->t->patch_ok($url => $a2->h('If-Match' => '"1"') => json => { priority => 'P4', status => 'resolved' })
    ->status_is(409, 'a stale version: 409')->header_like('Content-Type', qr{application/problem\+json})
    ->json_is('/current_version', 2, 'naming the current version');
is $s->tickets_fingerprint, $before, 'nothing changed, nothing audited, nothing queued';

$a2->t->patch_ok($url => $a2->h => json => { priority => 'P4' })
    ->status_is(428, 'no If-Match: 428')->json_like('/detail', qr/If-Match/);
$a2->t->patch_ok($url => $a2->h('If-Match' => '*') => json => { priority => 'P4' })->status_is(400);
$a2->t->patch_ok($url => $a2->h('If-Match' => '"3"') => json => { priority => 'P4' })
    ->status_is(409, 'a version from the future is stale too');
is $s->tickets_fingerprint, $before, 'still nothing changed';

$a2->t->patch_ok($url => $a2->h('If-Match' => '"2"') => json => { priority => 'P4' })
    ->status_is(200, 'with the current version it works')->json_is('/priority', 'P4')->json_is('/version', 3);
$a1->t->get_ok($url)->json_is('/priority', 'P4');

done_testing;
