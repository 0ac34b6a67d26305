# An agent may not give themselves more power: changing their own roles (or anyone's) is refused
# with 403 and nothing changes.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $agent = $s->login('agent@example.com');
my $self = $agent->user->{id};
my $other = $s->user_id('agent2@example.com');
my $before = $s->identity_fingerprint;

for my $roles (['agent', 'admin'], ['admin'], ['agent', 'team_lead'], ['agent', 'manager']) {
    $agent->t->patch_ok($s->url("/api/users/$self") => $agent->h => json => { roles => $roles })
        ->status_is(403, "own roles to [@$roles]: 403")
        ->header_like('Content-Type', qr{application/problem\+json});
}
$agent->t->patch_ok($s->url("/api/users/$other") => $agent->h => json => { roles => ['admin'] })
    ->status_is(403, "another agent's roles: 403");
$agent->t->post_ok($s->url('/api/users') => $agent->h => json => { email => 'sock@example.com',
    display_name => 'Sock Puppet', roles => ['admin'], password => 'a-long-password-1' })
    ->status_is(403, 'creating an admin account: 403');

is $s->identity_fingerprint, $before, 'nothing changed';
$agent->t->get_ok($s->url('/api/me'))->status_is(200)->json_is('/roles', ['agent'], 'still just an agent');
is $s->audit_count('user.roles_changed'), 0, 'no role change recorded';

done_testing;
