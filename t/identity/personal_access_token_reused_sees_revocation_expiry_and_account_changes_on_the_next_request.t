# A worker keeps the principal behind a personal access token it has seen, and has the database
# confirm it inside the request's own statement. Whatever stops a token from standing must still
# show on the very next request made with it, even though it is cached: revocation through the
# API or straight in the database, expiry, deactivation of its user, a role change and leaving a
# team. One nginx worker, so that every request after the first is served by the cache.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1, workers => 1);
my $admin = $s->login('admin@example.com');
my $agent = $s->login('agent@example.com');
my $uid = $s->user_id('agent@example.com');
my $desk = $s->psql("select id from teams where name = 'Service Desk'");

# A ticket of the agent's team that the agent neither filed nor works: readable through the team.
my $ticket = $s->create_ticket($admin, title => 'Projector flickers', team_id => $desk,
    assignee_id => $s->user_id('lead@example.com'));

sub pat {
    my ($name) = @_;
    $agent->t->post_ok($s->url('/api/me/tokens') => $agent->h => json => { name => $name })
        ->status_is(201);
    my $json = $agent->t->tx->res->json;
    return ($json->{token}, $json->{id});
}

my $ua = $s->new_ua;
sub me { $ua->get($s->url('/api/me') => $s->bearer($_[0]))->res }
sub read_ticket { $ua->get($s->url("/api/tickets/$ticket->{id}") => $s->bearer($_[0]))->res }

my ($token, $token_id) = pat('laptop');
is me($token)->code, 200, 'the token works';
is read_ticket($token)->code, 200, 'and reads a ticket of the agent\'s team';

# The principal is now cached: a full resolution would record the use again.
$s->psql("update api_tokens set last_used_at = now() - interval '10 minutes' where id = '$token_id'");
my $res = read_ticket($token);
is $res->code, 200, 'served again';
is $res->json->{id}, $ticket->{id}, 'the same ticket';
is $res->json->{team}{name}, 'Service Desk', 'with its team';
is $s->psql("select last_used_at < now() - interval '5 minutes' from api_tokens where id = '$token_id'"),
    't', 'from the cache (the use was not recorded again)';

$admin->t->patch_ok($s->url("/api/users/$uid") => $admin->h => json => { roles => ['agent', 'team_lead'] })
    ->status_is(200);
is_deeply me($token)->json->{roles}, ['agent', 'team_lead'], 'a role change shows on the next request';

$s->psql("delete from team_members where team_id = '$desk' and user_id = '$uid'");
is read_ticket($token)->code, 404, 'out of the team: its ticket is gone on the next request';
$s->psql("insert into team_members (team_id, user_id) values ('$desk', '$uid')");
is read_ticket($token)->code, 200, 'back in it: readable again';

$agent->t->delete_ok($s->url("/api/me/tokens/$token_id") => $agent->h)->status_is(204);
$res = read_ticket($token);
is $res->code, 401, 'revoked through the API: the next ticket read is 401';
like $res->headers->content_type // '', qr{^application/problem\+json}, 'as problem+json';
like $res->headers->www_authenticate // '', qr/^Bearer\b/, 'with a Bearer challenge';
unlike $res->body, qr/Projector/, 'and nothing of the ticket';
is me($token)->code, 401, 'and so is /api/me';

my ($second, $second_id) = pat('script');
is read_ticket($second)->code, 200, 'a second token works';
is me($second)->code, 200, 'on /api/me too';
$s->psql("update api_tokens set revoked_at = now() where id = '$second_id'");
is me($second)->code, 401, 'revoked straight in the database: 401 on /api/me';
is read_ticket($second)->code, 401, 'and on the ticket';

my ($third, $third_id) = pat('ci');
is read_ticket($third)->code, 200, 'a third token works';
$s->psql("update api_tokens set expires_at = now() - interval '1 second' where id = '$third_id'");
is read_ticket($third)->code, 401, 'past its expiry: 401 on the next request';
is me($third)->code, 401, 'on /api/me too';

my ($fourth) = pat('cron');
is read_ticket($fourth)->code, 200, 'a fourth token works';
is me($fourth)->code, 200, 'on /api/me too';
$s->psql("update users set active = false where id = '$uid'");
is read_ticket($fourth)->code, 401, 'its user deactivated in the database: 401 on the next request';
is me($fourth)->code, 401, 'on /api/me too';
$s->psql("update users set active = true where id = '$uid'");
is read_ticket($fourth)->code, 200, 'reactivated (the token itself was never revoked): it works again';

done_testing;
