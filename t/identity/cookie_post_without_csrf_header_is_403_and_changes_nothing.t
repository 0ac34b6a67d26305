# A cookie rides along on any request a browser makes, including one a hostile page triggers:
# unsafe requests authenticated by the session cookie need the X-CSRF-Token header bound to that
# session. Without it, or with another session's token, the answer is 403 and nothing changes.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $agent = $s->login('agent@example.com');
my $other = $s->login('agent2@example.com');
my $admin = $s->login('admin@example.com');
my $requester_id = $s->user_id('requester@example.com');

my $before = $s->identity_fingerprint;

my @cases = (
    [ 'no header', {} ],
    [ 'an empty header', { 'X-CSRF-Token' => '' } ],
    [ "another session's token", { 'X-CSRF-Token' => $other->csrf } ],
    [ 'a truncated token', { 'X-CSRF-Token' => substr($agent->csrf, 0, 42) } ],
);
for my $case (@cases) {
    my ($name, $h) = @$case;
    $agent->t->post_ok($s->url('/api/me/tokens') => $h => json => { name => 'csrf probe' })
        ->status_is(403, "POST /api/me/tokens with $name: 403")
        ->header_like('Content-Type', qr{application/problem\+json});
    $admin->t->patch_ok($s->url("/api/users/$requester_id") => $h => json => { active => \0 })
        ->status_is(403, "admin PATCH /api/users/{id} with $name: 403");
    $agent->t->delete_ok($s->url('/api/me/tokens/00000000-0000-0000-0000-000000000000') => $h)
        ->status_is(403, "DELETE with $name: 403");
}

is $s->identity_fingerprint, $before, 'nothing changed in users, roles, sessions, tokens, audit';
is $s->psql("select active from users where id = '$requester_id'"), 't', 'the requester is still active';

$agent->t->get_ok($s->url('/api/me'))->status_is(200, 'safe methods need no header');
$agent->t->post_ok($s->url('/api/me/tokens') => $agent->h => json => { name => 'with csrf' })
    ->status_is(201, 'with the right header the same POST works');

done_testing;
