# An agent renders a saved reply for a ticket: every placeholder becomes the ticket's, its
# requester's or the agent's own value (spaces inside the braces allowed), a value that looks like a
# placeholder stays as it is, and the demo's shared replies greet the requester by first name.
# A ticket the agent may not see, or no such reply, is 404; rendering writes nothing.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $agent = $s->login('agent@example.com');
my $lead = $s->login('lead@example.com');
my $outsider = $s->login('agent2@example.com');    # another team: cannot see the ticket

my $t = $s->create_ticket($agent, title => 'VPN drops <at home> & "in the office"', priority => 'P2',
    requester_id => $s->user_id('requester@example.com'));
my $r = $s->create_saved_reply($agent, title => 'Everything',
    body_md => "Hi {{requester.first_name}} ({{ requester.name }}, {{requester.email}}),\n\n"
        . "about {{ticket.number}} \"{{ticket.title}}\": it is {{ ticket.status }}, priority "
        . "{{\tticket.priority\t}}.\n\n-- {{agent.name}} ({{agent.first_name}}, {{agent.email}})");
is $r->{shared}, Mojo::JSON::false, 'a reply is personal unless shared';

my $render = "/api/tickets/$t->{id}/saved-replies/$r->{id}/render";
my $before = $s->tickets_fingerprint;
$agent->t->post_ok($s->url($render) => $agent->h)->status_is(200)
    ->header_like('Content-Type', qr{^application/json})
    ->json_is('/body_md', "Hi Riley (Riley Requester, requester\@example.com),\n\n"
        . "about $t->{number} \"VPN drops <at home> & \"in the office\"\": it is New, priority P2.\n\n"
        . '-- Alex Agent (Alex, agent@example.com)', 'every placeholder filled in, as Markdown');
like $t->{number}, qr/^TKT-\d+$/, 'the ticket number reads TKT-n';

$agent->t->post_ok($s->url("/api/tickets/$t->{number}/saved-replies/$r->{id}/render") => $agent->h)
    ->status_is(200, 'the ticket may be named by its number')->json_like('/body_md', qr/about \Q$t->{number}\E/);

$agent->t->patch_ok($s->url("/api/tickets/$t->{id}") => $agent->h('If-Match' => '"1"')
    => json => { status => 'in_progress', title => 'Call {{agent.name}} back' })->status_is(200);
$agent->t->post_ok($s->url($render) => $agent->h)->status_is(200)
    ->json_like('/body_md', qr/"Call \{\{agent\.name\}\} back": it is In Progress,/,
        'the current values, and a value is never expanded again');

my $ack = $s->psql("select id from saved_replies where title = 'Acknowledge' and owner_id is null");
$lead->t->post_ok($s->url("/api/tickets/$t->{id}/saved-replies/$ack/render") => $lead->h)->status_is(200)
    ->json_like('/body_md', qr/^Hi Riley,\n\nThanks for reaching out\./, 'the seeded shared reply renders');

$before = $s->tickets_fingerprint;
$outsider->t->post_ok($s->url("/api/tickets/$t->{id}/saved-replies/$ack/render") => $outsider->h)
    ->status_is(404, 'a ticket the agent may not see is 404')
    ->header_like('Content-Type', qr{application/problem\+json});
$agent->t->post_ok($s->url("/api/tickets/$t->{id}/saved-replies/01a21bde-0000-7000-8000-000000000000/render")
    => $agent->h)->status_is(404, 'no such reply');
$agent->t->post_ok($s->url("/api/tickets/$t->{id}/saved-replies/not-an-id/render") => $agent->h)->status_is(404);
$agent->t->post_ok($s->url("/api/tickets/TKT-999999/saved-replies/$ack/render") => $agent->h)
    ->status_is(404, 'no such ticket');
$agent->t->get_ok($s->url($render))->status_is(405, 'rendering is a POST');
is $s->tickets_fingerprint, $before, 'rendering writes nothing, not even an audit event';

done_testing;
