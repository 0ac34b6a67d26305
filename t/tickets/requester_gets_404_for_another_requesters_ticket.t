# A ticket the caller may not see does not exist for them: a requester asking for another
# requester's ticket (by id or TKT number, on any ticket route), and a team-scoped agent asking for
# another team's ticket, get the same 404 as for a ticket that does not exist, and change nothing.
# A requester does see tickets they watch.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $r1 = $s->login('requester@example.com');
my $r2 = $s->login('requester2@example.com');
my $agent = $s->login('agent@example.com');       # Service Desk
my $agent2 = $s->login('agent2@example.com');     # Infrastructure
my $t = $s->create_ticket($r1, title => 'Payroll question');
$s->psql("update tickets set team_id = (select id from teams where name = 'Service Desk') where id = '$t->{id}'");
my $none = '01a21bde-0000-7000-8000-000000000000';

sub not_found {
    my ($c, $name, $ref) = @_;
    my $base = $s->url("/api/tickets/$ref");
    $c->t->get_ok($base)->status_is(404, "$name: GET $ref");
    my $body = $c->t->tx->res->json;
    $c->t->patch_ok($base => $c->h('If-Match' => '"2"') => json => { status => 'closed' })
        ->status_is(404, "$name: PATCH $ref");
    $c->t->post_ok("$base/comments" => $c->h => json => { body_md => 'hello?' })->status_is(404, "$name: comment");
    $c->t->get_ok("$base/timeline")->status_is(404, "$name: timeline");
    $c->t->get_ok("$base/audit")->status_is(404, "$name: audit");
    return $body;
}

my $before = $s->tickets_fingerprint;
my $hidden = not_found($r2, 'another requester', $t->{id});
not_found($r2, 'another requester', $t->{number});
my $absent = not_found($r2, 'no such ticket', $none);
is_deeply { %$hidden, request_id => undef }, { %$absent, request_id => undef },
    'the same answer as for a ticket that does not exist';
not_found($agent2, 'an agent of another team', $t->{id});
is $s->tickets_fingerprint, $before, 'nothing changed';

$r2->t->get_ok($s->url('/api/tickets'))->status_is(200)->json_is('/items', [], 'nor is it listed');
$agent2->t->get_ok($s->url('/api/tickets'))->json_is('/items', [], 'for either');

$agent->t->get_ok($s->url("/api/tickets/$t->{id}"))->status_is(200, 'the team\'s agent sees it');
$r1->t->get_ok($s->url("/api/tickets/$t->{number}"))->status_is(200, 'its requester sees it');

$s->psql("insert into ticket_watchers (ticket_id, user_id) values ('$t->{id}', '" . $r2->user->{id} . "')");
$r2->t->get_ok($s->url("/api/tickets/$t->{id}"))->status_is(200, 'a watcher sees it');
$r2->t->get_ok($s->url('/api/tickets'))->json_is('/items/0/id', $t->{id}, 'and lists it');
$r2->t->post_ok($s->url("/api/tickets/$t->{id}/comments") => $r2->h => json => { body_md => 'Same here' })
    ->status_is(201, 'and may comment');
$r2->t->patch_ok($s->url("/api/tickets/$t->{id}") => $r2->h('If-Match' => '"2"') => json => { status => 'closed' })
    ->status_is(403, 'but closing is for its requester');

done_testing;
