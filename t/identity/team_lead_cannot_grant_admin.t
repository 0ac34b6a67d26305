# Granting roles is reserved: a team lead cannot make anyone (themselves included) an admin, and a
# manager may grant roles only up to team lead. Refusals are 403 and change nothing.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $lead = $s->login('lead@example.com');
my $manager = $s->login('manager@example.com');
my $agent_id = $s->user_id('agent@example.com');
my $lead_id = $lead->user->{id};
my $before = $s->identity_fingerprint;

$lead->t->patch_ok($s->url("/api/users/$agent_id") => $lead->h => json => { roles => ['agent', 'admin'] })
    ->status_is(403, 'team lead grants admin to an agent: 403')
    ->header_like('Content-Type', qr{application/problem\+json});
$lead->t->patch_ok($s->url("/api/users/$lead_id") => $lead->h => json => { roles => ['team_lead', 'admin'] })
    ->status_is(403, 'team lead grants admin to themselves: 403');
$lead->t->post_ok($s->url('/api/users') => $lead->h => json => { email => 'boss@example.com',
    display_name => 'New Boss', roles => ['admin'] })->status_is(403, 'team lead creates an admin: 403');

$manager->t->patch_ok($s->url("/api/users/$agent_id") => $manager->h => json => { roles => ['agent', 'admin'] })
    ->status_is(403, 'a manager grants admin: 403');
$manager->t->patch_ok($s->url("/api/users/$agent_id") => $manager->h => json => { roles => ['agent', 'manager'] })
    ->status_is(403, 'a manager grants manager: 403');

is $s->identity_fingerprint, $before, 'nothing changed';
is $s->psql("select string_agg(r.key, ',' order by r.key) from user_roles ur join roles r on r.id = ur.role_id"
    . " where ur.user_id = '$agent_id'"), 'agent', 'the agent is still only an agent';

$manager->t->patch_ok($s->url("/api/users/$agent_id") => $manager->h => json => { roles => ['agent', 'team_lead'] })
    ->status_is(200, 'a manager may make an agent a team lead')->json_is('/roles', ['agent', 'team_lead']);

done_testing;
