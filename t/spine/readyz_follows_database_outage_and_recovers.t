# With PostgreSQL stopped, /api/readyz answers 503 problem+json with Retry-After within the DB
# timeout (healthz stays 200); once PostgreSQL is back it answers 200 by itself, with the same
# nginx processes (no restart, no crash).
use strict;
use warnings;
use Test::More;
use Time::HiRes qw(time);
use HD::Stack;

my $s = HD::Stack->new(db_timeout => '2s');
my $t = $s->t;
my $ua = HD::Stack::new_ua();

$t->get_ok($s->url('/api/readyz'))->status_is(200);
my $master  = $s->nginx_master_pid;
my @workers = $s->nginx_worker_pids;

$s->pg_stop;

my ($res, $slowest) = (undef, 0);
my $down = HD::Stack::wait_for(10, sub {
    my $t0 = time;
    $res = $ua->get($s->url('/api/readyz'))->result;
    $slowest = time - $t0 if time - $t0 > $slowest;
    $res->code == 503;
}, 0.1);
ok($down, 'readyz is 503 while PostgreSQL is down') or diag $res->code . ' ' . $res->body;
cmp_ok($slowest, '<', 3.5, 'no readyz took longer than the DB timeout plus slack');
like($res->headers->content_type // '', qr{^application/problem\+json}, 'problem+json');
like($res->headers->header('Retry-After') // '', qr/^\d+$/, 'Retry-After in seconds');
is($res->json('/status'), 503, 'status 503 in the body');
like($res->json('/type') // '', qr{^https://helpdesk\.dev/problems/}, 'problem type');

for (1 .. 3) {
    my $t0 = time;
    is($ua->get($s->url('/api/readyz'))->result->code, 503, 'still 503 while down');
    cmp_ok(time - $t0, '<', 3.5, 'and answered within the timeout');
}
$t->get_ok($s->url('/api/healthz'))->status_is(200, 'healthz does not need the database');

$s->pg_start;

my $up = HD::Stack::wait_for(20, sub { $ua->get($s->url('/api/readyz'))->result->code == 200 }, 0.2);
ok($up, 'readyz is 200 again after PostgreSQL is back, without touching nginx');
for (1 .. 5) {
    is($ua->get($s->url('/api/readyz'))->result->code, 200, 'and stays 200');
}

is($s->nginx_master_pid, $master, 'same nginx master');
is_deeply([$s->nginx_worker_pids], \@workers, 'same nginx workers (none crashed or restarted)');

my $metrics = $ua->get($s->url('/metrics'))->result->body;
my $errors = 0;
$errors += $1 while $metrics =~ /^helpdesk_db_errors_total(?:\{[^}]*\})? (\d+)/mg;
cmp_ok($errors, '>', 0, 'the outage shows in helpdesk_db_errors_total');

done_testing;
