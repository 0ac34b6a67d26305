# Comments (markdown, public or internal) and the ticket's status and field changes come back as
# one timeline, oldest first; every comment is an audit event and an outbox job that says whether
# it is internal.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $agent = $s->login('agent@example.com');
my $r = $s->login('requester@example.com');
my $t = $s->create_ticket($r, title => 'Outlook keeps crashing');
my $url = $s->url("/api/tickets/$t->{id}");
$s->psql("update tickets set team_id = (select id from teams where name = 'Service Desk') where id = '$t->{id}'");

$r->t->post_ok("$url/comments" => $r->h => json => { body_md => "It crashes **on start**." })
    ->status_is(201)->json_is('/is_internal', Mojo::JSON::false)->json_is('/author/email', 'requester@example.com')
    ->json_is('/body_md', 'It crashes **on start**.');
$agent->t->patch_ok($url => $agent->h('If-Match' => '"2"') => json => { status => 'in_progress', priority => 'P2' })
    ->status_is(200);
$agent->t->post_ok("$url/comments" => $agent->h => json => { body_md => 'Probably the PST add-in.', is_internal => \1 })
    ->status_is(201)->json_is('/is_internal', Mojo::JSON::true);
$agent->t->post_ok($s->url("/api/tickets/$t->{number}/comments") => $agent->h
    => json => { body_md => 'Could you try safe mode?' })->status_is(201, 'by TKT number too');

$agent->t->get_ok("$url/timeline")->status_is(200);
my @items = @{ $agent->t->tx->res->json->{items} };
is join(' | ', map {
    $_->{type} eq 'comment' ? "comment:$_->{body_md}" . ($_->{is_internal} ? ' (internal)' : '')
    : $_->{type} eq 'status' ? 'status:' . ($_->{from} // '-') . "->$_->{to}"
    : 'fields:' . join(',', sort keys %{ $_->{changes} })
} @items),
    'status:-->new | comment:It crashes **on start**. | status:new->in_progress | fields:priority'
    . ' | comment:Probably the PST add-in. (internal) | comment:Could you try safe mode?',
    'comments, status and field changes, oldest first';
is_deeply $items[3]{changes}{priority}, ['P3', 'P2'], 'a field change shows before and after';
is $items[2]{actor}{email}, 'agent@example.com', 'each entry names its actor';
my @at = map { $_->{at} } @items;
is_deeply \@at, [sort @at], 'in time order';

# bad comments change nothing
my $before = $s->tickets_fingerprint;
$agent->t->post_ok("$url/comments" => $agent->h => json => { body_md => '   ' })->status_is(400);
$agent->t->post_ok("$url/comments" => $agent->h => json => { body_md => 'x', is_internal => 'yes' })->status_is(400);
$agent->t->post_ok("$url/comments" => $agent->h => json => { body_md => 'x', author_id => $r->user->{id} })
    ->status_is(400, 'the author is the caller, never the body');
$agent->t->post_ok($s->url('/api/tickets/TKT-999999/comments') => $agent->h => json => { body_md => 'x' })
    ->status_is(404);
is $s->tickets_fingerprint, $before, 'nothing changed';

is $s->psql("select string_agg((payload->>'is_internal'), ',' order by created_at) from jobs"
    . " where kind = 'ticket.commented'"), 'false,true,false', 'a job per comment, saying if internal';
is $s->audit_count('ticket.commented'), 3, 'an audit event per comment';

done_testing;
