# A write the database refuses rolls back as a whole: no ticket change, no status history, no
# audit event, no outbox job.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $lead = $s->login('lead@example.com');
my $requester = $s->user_id('requester@example.com');
my $t = $s->create_ticket($lead, title => 'Badge reader', requester_id => $requester);
my $url = $s->url("/api/tickets/$t->{id}");
my $before = $s->tickets_fingerprint;

$lead->t->patch_ok($url => $lead->h('If-Match' => '"1"') => json => { status => 'assigned', assignee_id => $requester })
    ->status_is(422, 'assigning to a requester')->json_like('/detail', qr/assignee_id/);
$lead->t->patch_ok($url => $lead->h('If-Match' => '"1"') => json => {
    status => 'assigned', team_id => '01a21bde-0000-7000-8000-000000000000' })
    ->status_is(422, 'an unknown team');
$lead->t->patch_ok($url => $lead->h('If-Match' => '"1"') => json => { status => 'in_progress', subcategory => 'Doors' })
    ->status_is(422, 'a subcategory without a category: the database\'s check refuses mid-write');
$lead->t->post_ok($s->url('/api/tickets') => $lead->h => json => { title => 'x', requester_id => '01a21bde-0000-7000-8000-000000000000' })
    ->status_is(422, 'filing for a user who does not exist');

is $s->tickets_fingerprint, $before, 'nothing changed: no history, no audit event, no job';
is $s->psql("select count(*) from ticket_status_history where ticket_id = '$t->{id}'"), 1;

$lead->t->patch_ok($url => $lead->h('If-Match' => '"1"') => json => { status => 'in_progress', category => 'Facilities',
    subcategory => 'Doors' })->status_is(200, 'the same change, done right, goes through');
is $s->audit_count('ticket.updated', "entity_id = '$t->{id}'"), 1, 'with its one audit event';

done_testing;
