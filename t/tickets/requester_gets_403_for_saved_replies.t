# Saved replies are agents' tools: a requester is refused with 403 on every saved-reply endpoint,
# listing, creating, changing, deleting, and rendering one even for their own ticket, and nothing
# changes.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $rq = $s->login('requester@example.com');
my $t = $s->create_ticket($rq, title => 'My laptop');
my $ack = $s->psql("select id from saved_replies where title = 'Acknowledge'");

my $before = $s->saved_replies_fingerprint;
$rq->t->get_ok($s->url('/api/saved-replies'))->status_is(403)
    ->header_like('Content-Type', qr{application/problem\+json});
$rq->t->post_ok($s->url('/api/saved-replies') => $rq->h => json => { title => 'x', body_md => 'y' })
    ->status_is(403);
$rq->t->patch_ok($s->url("/api/saved-replies/$ack") => $rq->h('If-Match' => '"1"') => json => { title => 'x' })
    ->status_is(403);
$rq->t->delete_ok($s->url("/api/saved-replies/$ack") => $rq->h)->status_is(403);
$rq->t->post_ok($s->url("/api/tickets/$t->{id}/saved-replies/$ack/render") => $rq->h)
    ->status_is(403, 'not even for their own ticket');
is $s->saved_replies_fingerprint, $before, 'nothing changed';

done_testing;
