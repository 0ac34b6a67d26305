# Changing a saved reply takes its version in If-Match: a stale one is 409 naming the current version
# and changes nothing, none at all is 428. A shared reply is changed only with saved_reply.admin
# (an agent gets 403, a team lead may), a personal one by its owner.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $agent = $s->login('agent@example.com');
my $lead = $s->login('lead@example.com');
my $mine = $s->create_saved_reply($agent, title => 'Reboot', body_md => 'Have you tried turning it off and on?');
my $url = $s->url("/api/saved-replies/$mine->{id}");
is $mine->{version}, 1, 'a new reply is at version 1';

$agent->t->patch_ok($url => $agent->h('If-Match' => '"1"') => json => { body_md => 'Reboot, {{requester.first_name}}.' })
    ->status_is(200)->json_is('/version', 2)->json_is('/title', 'Reboot')
    ->json_is('/body_md', 'Reboot, {{requester.first_name}}.');

my $before = $s->saved_replies_fingerprint;
$agent->t->patch_ok($url => $agent->h('If-Match' => '"1"') => json => { title => 'Restart' })
    ->status_is(409, 'a stale version: 409')->header_like('Content-Type', qr{application/problem\+json})
    ->json_is('/current_version', 2, 'naming the current version');
$agent->t->patch_ok($url => $agent->h => json => { title => 'Restart' })
    ->status_is(428, 'no If-Match: 428')->json_like('/detail', qr/If-Match/);
$agent->t->patch_ok($url => $agent->h('If-Match' => 'soon') => json => { title => 'Restart' })->status_is(400);
is $s->saved_replies_fingerprint, $before, 'nothing changed, nothing audited';

$agent->t->patch_ok($url => $agent->h('If-Match' => '"2"') => json => { title => 'Restart' })
    ->status_is(200, 'with the current version it works')->json_is('/version', 3);
$agent->t->patch_ok($url => $agent->h('If-Match' => '"3"') => json => { title => 'Restart' })
    ->status_is(200, 'the same values again')->json_is('/version', 3, 'are no change');

my $ack = $s->psql("select id from saved_replies where title = 'Acknowledge' and owner_id is null");
my $shared = $s->url("/api/saved-replies/$ack");
$before = $s->saved_replies_fingerprint;
$agent->t->patch_ok($shared => $agent->h('If-Match' => '"1"') => json => { title => 'Ack' })
    ->status_is(403, 'an agent may not change a shared reply')->json_like('/detail', qr/saved_reply\.admin/);
$agent->t->delete_ok($shared => $agent->h)->status_is(403, 'nor delete it');
$lead->t->patch_ok($shared => $lead->h('If-Match' => '"7"') => json => { title => 'Ack' })->status_is(409);
is $s->saved_replies_fingerprint, $before, 'still nothing changed';

$lead->t->patch_ok($shared => $lead->h('If-Match' => '"1"') => json => { title => 'Need more details' })
    ->status_is(409, 'a title another shared reply has')->json_like('/detail', qr/already/);
$lead->t->patch_ok($shared => $lead->h('If-Match' => '"1"') => json => { title => 'Ack' })
    ->status_is(200, 'a team lead may')->json_is('/version', 2)->json_is('/shared', Mojo::JSON::true);

done_testing;
