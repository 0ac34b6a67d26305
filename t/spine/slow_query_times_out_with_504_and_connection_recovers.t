# A query slower than helpdesk_db_timeout answers 504 near the timeout, the server-side query is
# stopped too, and the (single) pooled connection is not reused in a bad state.
use strict;
use warnings;
use Test::More;
use Time::HiRes qw(time);
use HD::Stack;

# One worker with one connection: every request below goes through the same pool slot.
my $s = HD::Stack->new(workers => 1, db_pool => 1, db_timeout => '1s');
my $t = $s->t;

$t->get_ok($s->url('/api/_test/sleep?ms=100'))->status_is(200, 'a query under the timeout succeeds');

for my $round (1 .. 2) {
    my $t0 = time;
    $t->get_ok($s->url('/api/_test/sleep?ms=8000'))->status_is(504, "round $round: slow query is 504")
      ->content_type_like(qr{^application/problem\+json})
      ->json_is('/status' => 504);
    my $took = time - $t0;
    cmp_ok($took, '>=', 0.9, 'not before the timeout');
    cmp_ok($took, '<', 2.0, 'soon after the 1s timeout, not after the 8s query');

    for (1 .. 5) {
        my $t1 = time;
        $t->get_ok($s->url('/api/readyz'))->status_is(200, 'next readyz succeeds');
        cmp_ok(time - $t1, '<', 1.0, 'promptly');
    }
}

# The 8 s pg_sleep calls must have been stopped on the server (statement_timeout or cancel),
# not left to hold a backend after nginx gave up on them.
my $busy = HD::Stack::wait_for(3, sub {
    $s->psql(q{SELECT count(*) FROM pg_stat_activity
               WHERE query LIKE '%pg_sleep%' AND state = 'active' AND pid <> pg_backend_pid()}) == 0;
}, 0.2);
ok($busy, 'no pg_sleep left running on the server');

$t->get_ok($s->url('/api/_test/sleep?ms=200'))->status_is(200, 'a short query still works');

for my $bad ('abc', '-5', '') {
    $t->get_ok($s->url("/api/_test/sleep?ms=$bad"))->status_is(400, "ms=$bad is 400");
}

done_testing;
