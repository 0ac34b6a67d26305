# GET /api/tickets/{id} renders the ticket in core from the columns it reads, while the writes
# answer with the database's ticket_json(): both must show the same document, member for member,
# whatever the ticket holds (text that needs escaping, nulls, custom fields, no team or assignee,
# an SLA clock running or none).  Every request is made at a chosen instant (X-Helpdesk-Now), so
# the clock's figures are the same for the write and the read.
use strict;
use warnings;
use utf8;
use Test::More;
use HD::Stack;
use HD::SLA qw(setup_desk at ticket_at);

my $s = HD::Stack->new(seed => 1);
my $agent = $s->login('agent@example.com');
my $admin = $s->login('admin@example.com');
my $requester_id = $s->user_id('requester@example.com');
my $lead_id = $s->user_id('lead@example.com');
my $desk = setup_desk($s, $admin, priority => 'P2', response => 60, resolution => 480,
    calendar => { name => 'Weekdays', tz => 'UTC',
                  windows => [map { { dow => $_, start => '09:00', end => '17:00' } } 1 .. 5] })
    ->{team}{id};
my ($t0, $t1, $t2) = ('2026-11-25T10:00:00Z', '2026-11-25T10:40:00Z', '2026-11-25T13:00:00Z');

sub same_as_get {
    my ($client, $doc, $name, $when) = @_;
    $client->t->get_ok($s->url("/api/tickets/$doc->{id}") => at($client, $when))->status_is(200);
    my $got = $client->t->tx->res->json;
    is_deeply $got, $doc, "$name: GET shows what the write answered"
        or diag explain { get => $got, write => $doc };
    $client->t->get_ok($s->url("/api/tickets/$doc->{number}") => at($client, $when))->status_is(200);
    is_deeply $client->t->tx->res->json, $doc, "$name: by its number too";
}

my $created = ticket_at($s, $agent, $t0, title => "Quote \" backslash \\ tab \t and ünïcödé ✓",
    description => "Line one\nline two\r\n\x01 control", priority => 'P2', urgency => 2,
    category => 'Hardware', subcategory => 'Laptop', requester_id => $requester_id,
    custom_json => { asset_tag => "LT-0042 \"quoted\"", affected_users => 3 });
same_as_get($agent, $created, 'a ticket with every field', $t0);

my $v = $created->{version};
$admin->t->patch_ok($s->url("/api/tickets/$created->{id}") => at($admin, $t1, 'If-Match' => $v) => json => {
    status => 'in_progress', assignee_id => $lead_id, team_id => $desk,
})->status_is(200);
my $assigned = $admin->t->tx->res->json;
is $assigned->{sla}{response}{elapsed_ms}, 40 * 60_000, 'the desk\'s clock has run 40 minutes';
is $assigned->{sla}{state}, 'ok', 'and is ok';
# the agent is not in the desk's team: the admin reads its ticket
same_as_get($admin, $assigned, 'assigned, in progress, an SLA clock running', $t1);

$admin->t->patch_ok($s->url("/api/tickets/$created->{id}") => at($admin, $t2, 'If-Match' => $v + 1) => json => {
    category => undef, subcategory => undef, urgency => undef, description => '',
})->status_is(200);
my $cleared = $admin->t->tx->res->json;
is $cleared->{urgency}, undef, 'no urgency';
is $cleared->{sla}{response}{state}, 'breached', 'the hour to respond has passed';
same_as_get($admin, $cleared, 'fields cleared, the response clock breached', $t2);

my $bare = ticket_at($s, $s->login('requester@example.com'), $t2, title => 'Bare');
is $bare->{team}, undef, 'a requester\'s own ticket has no team';
same_as_get($s->login('requester@example.com'), $bare, 'no team, no assignee', $t2);

done_testing;
