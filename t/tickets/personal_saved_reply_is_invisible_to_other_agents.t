# A personal saved reply is its owner's alone: other agents, and admins too, do not see it listed
# and get 404 rendering, changing or deleting it, exactly as for a reply that does not exist. Each
# agent lists the shared replies and their own, sorted by title.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $agent = $s->login('agent@example.com');
my $other = $s->login('agent2@example.com');
my $admin = $s->login('admin@example.com');

my $mine = $s->create_saved_reply($agent, title => 'Bravo (mine)', body_md => 'Hi {{requester.name}}');
$s->create_saved_reply($agent, title => 'alpha (mine)', body_md => 'lower case sorts by the collation');
my $theirs = $s->create_saved_reply($other, title => 'Charlie (theirs)', body_md => 'Hello');

my $titles = sub {
    my ($c) = @_;
    $c->t->get_ok($s->url('/api/saved-replies'))->status_is(200);
    return [ map { $_->{title} } @{ $c->t->tx->res->json->{items} } ];
};
my $sorted = sub { [ sort { lc $a cmp lc $b } @_ ] };
is_deeply $titles->($agent), $sorted->('Acknowledge', 'Need more details', 'alpha (mine)', 'Bravo (mine)'),
    "the agent sees the shared replies and their own, by title";
is_deeply $titles->($other), $sorted->('Acknowledge', 'Need more details', 'Charlie (theirs)'),
    'the other agent sees theirs, not the first agent\'s';
is_deeply $titles->($admin), $sorted->('Acknowledge', 'Need more details'), 'an admin sees only the shared ones';
$agent->t->get_ok($s->url('/api/saved-replies'))->json_is('/items/0/shared', Mojo::JSON::true)
    ->json_has('/items/0/version')->json_has('/items/0/body_md');

# a ticket of the other agent's team: they and the admin may see it, so a 404 is about the reply
my $t = $s->create_ticket($other, title => 'Disk full', requester_id => $s->user_id('requester@example.com'));
$other->t->get_ok($s->url("/api/tickets/$t->{id}"))->status_is(200);
$admin->t->get_ok($s->url("/api/tickets/$t->{id}"))->status_is(200);

my $before = $s->saved_replies_fingerprint;
for my $c ($other, $admin) {
    my $who = $c->user->{email};
    $c->t->post_ok($s->url("/api/tickets/$t->{id}/saved-replies/$mine->{id}/render") => $c->h)
        ->status_is(404, "$who cannot render it")->header_like('Content-Type', qr{application/problem\+json});
    $c->t->patch_ok($s->url("/api/saved-replies/$mine->{id}") => $c->h('If-Match' => '"1"')
        => json => { title => 'Stolen' })->status_is(404, "$who cannot change it");
    $c->t->delete_ok($s->url("/api/saved-replies/$mine->{id}") => $c->h)->status_is(404, "$who cannot delete it");
}
is $s->saved_replies_fingerprint, $before, 'the reply is untouched';

$other->t->post_ok($s->url("/api/tickets/$t->{id}/saved-replies/$theirs->{id}/render") => $other->h)
    ->status_is(200, 'the owner renders their own')->json_is('/body_md', 'Hello');
$agent->t->delete_ok($s->url("/api/saved-replies/$mine->{id}") => $agent->h)->status_is(204, 'the owner deletes it');
$agent->t->delete_ok($s->url("/api/saved-replies/$mine->{id}") => $agent->h)->status_is(404, 'and it is gone');

done_testing;
