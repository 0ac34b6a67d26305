# A token a worker has already verified is checked with a named prepared statement that each
# database connection prepares the first time it runs it. When PostgreSQL restarts, the pool's
# new connections have no prepared statements: the same token must keep working once the
# database is back (prepared again on the new connections), with the same nginx processes, and
# a deactivation during the outage must still be seen on the first request after it.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1, db_timeout => '2s',
    oidc => { accounts => { erin => { email => 'erin@idp.example.com', roles => ['agent'] } } });
$s->oidc_refresh;
my $jwt = $s->idp->login('erin')->{access_token};
my $me = sub { $s->new_ua->get($s->url('/api/me') => $s->bearer($jwt))->res };

is $s->me_with_bearer($jwt)->res->code, 200, 'the token works';
is $me->()->code, 200, 'again, from the worker\'s cache' for 1 .. 20;
my @workers = $s->nginx_worker_pids;

$s->pg_stop;
ok HD::Stack::wait_for(10, sub { $me->()->code == 503 }, 0.2), 'database down: 503, not 401 or 500';
$s->pg_start;
ok HD::Stack::wait_for(20, sub { $me->()->code == 200 }, 0.2), 'database back: the token works again';
is $me->()->code, 200, 'and keeps working' for 1 .. 20;

my $id = $s->user_id('erin@idp.example.com');
$s->pg_stop;
$s->pg_start;
$s->psql("update users set active = false where id = '$id'");
ok HD::Stack::wait_for(20, sub { $me->()->code != 503 }, 0.2), 'database back after another restart';
is $me->()->code, 401, 'a deactivation made while the pool was reconnecting is seen at once';
is_deeply [ $s->nginx_worker_pids ], \@workers, 'the same nginx workers throughout';

done_testing;
