# Bodies are never mass-assigned: an unknown field, a field the server owns (id, number, version,
# created_at, status on create …) or one the caller's role cannot set (requester_id, source,
# assignee_id for a requester) is 400 naming the field, and nothing is created or changed.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $r = $s->login('requester@example.com');
my $agent = $s->login('agent@example.com');
my $other = $s->user_id('requester2@example.com');
my $t = $s->create_ticket($agent, title => 'Mouse', requester_id => $other);
my $before = $s->tickets_fingerprint;

my @create = (
    [id => '01a21bde-4868-7f2f-8a92-eb003fefd1c5'], [number => 'TKT-1'], [version => 5],
    [created_at => '2020-01-01T00:00:00Z'], [updated_at => '2020-01-01T00:00:00Z'],
    [status => 'closed'], [due_at => '2030-01-01T00:00:00Z'], [deleted_at => undef],
    [requester_id => $other], [source => 'email'], [assignee_id => $agent->user->{id}],
    [team_id => $s->psql("select id from teams limit 1")], [is_admin => \1], [csat_score => 'good'],
);
for my $f (@create) {
    $r->t->post_ok($s->url('/api/tickets') => $r->h => json => { title => 'x', @$f })
        ->status_is(400, "requester creating with $f->[0]: 400")
        ->header_like('Content-Type', qr{application/problem\+json})
        ->json_is('/errors/0/field', $f->[0]);
}
$agent->t->post_ok($s->url('/api/tickets') => $agent->h => json => { title => 'x', assignee_id => $agent->user->{id} })
    ->status_is(400, 'an agent cannot assign (team leads and up do)')->json_is('/errors/0/field', 'assignee_id');
$agent->t->post_ok($s->url('/api/tickets') => $agent->h => json => { title => 'x', source => 'fax' })
    ->status_is(400)->json_is('/errors/0/field', 'source');
$agent->t->post_ok($s->url('/api/tickets') => $agent->h => json => { description => 'no title' })
    ->status_is(400)->json_is('/errors/0/field', 'title');
$agent->t->post_ok($s->url('/api/tickets') => $agent->h => json => [ 'title' ])->status_is(400);

my $url = $s->url("/api/tickets/$t->{id}");
for my $f ([id => '01a21bde-4868-7f2f-8a92-eb003fefd1c5'], [number => 'TKT-1'], [version => 9],
    [created_at => '2020-01-01T00:00:00Z'], [requester_id => $agent->user->{id}], [source => 'api'],
    [description_html => '<b>x</b>'], [note => 'a note without a status change'])
{
    $agent->t->patch_ok($url => $agent->h('If-Match' => '"1"') => json => { title => 'Changed', @$f })
        ->status_is(400, "PATCH with $f->[0]: 400")->json_is('/errors/0/field', $f->[0]);
}
$agent->t->patch_ok($url => $agent->h('If-Match' => '"1"') => json => {})->status_is(400, 'an empty PATCH');
$agent->t->patch_ok($url => $agent->h('If-Match' => '"1"') => json => { priority => 'urgent' })
    ->status_is(400)->json_is('/errors/0/field', 'priority');

is $s->tickets_fingerprint, $before, 'nothing was created, changed, audited or queued';

done_testing;
