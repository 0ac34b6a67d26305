# Creating, changing and deleting a saved reply each append one audit event in the same
# transaction, with the actor, the reply and what changed; the chain still verifies.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $agent = $s->login('agent@example.com');
my $lead = $s->login('lead@example.com');

my $r = $s->create_saved_reply($agent, title => 'Parts', body_md => 'Parts are on order for {{ticket.number}}.');
my $url = $s->url("/api/saved-replies/$r->{id}");
$agent->t->patch_ok($url => $agent->h('If-Match' => '"1"') => json => { title => 'Parts ordered' })->status_is(200);
$agent->t->delete_ok($url => $agent->h)->status_is(204);
my $shared = $s->create_saved_reply($lead, title => 'Closing', body_md => 'Closing {{ticket.number}}.',
    shared => Mojo::JSON::true);

my $events = $s->psql("select string_agg(concat_ws(' ', a.action, u.email, a.entity_type, host(a.ip),"
    . " a.diff_json->>'shared'), '; ' order by a.id)"
    . " from audit_events a join users u on u.id = a.actor_id"
    . " where a.entity_id in ('$r->{id}', '$shared->{id}')");
is $events, 'saved_reply.created agent@example.com saved_reply 127.0.0.1 false; '
    . 'saved_reply.updated agent@example.com saved_reply 127.0.0.1 false; '
    . 'saved_reply.deleted agent@example.com saved_reply 127.0.0.1 false; '
    . 'saved_reply.created lead@example.com saved_reply 127.0.0.1 true',
    'one event per write, with actor, entity, address and whether it is shared';
is $s->psql("select diff_json->'title' from audit_events where action = 'saved_reply.updated'"
    . " and entity_id = '$r->{id}'"), '["Parts", "Parts ordered"]', 'the update records before and after';
is $s->psql("select diff_json->>'body_md' from audit_events where action = 'saved_reply.deleted'"
    . " and entity_id = '$r->{id}'"), 'Parts are on order for {{ticket.number}}.', 'the deletion what was deleted';

my ($rc, $out) = $s->worker_cli('audit', 'verify');
is $rc, 0, 'the audit chain verifies' or diag $out;

done_testing;
