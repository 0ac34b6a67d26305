# Each request writes one JSON access-log line with its request id, route, status, duration and
# time spent in the database.
use strict;
use warnings;
use Test::More;
use Mojo::JSON qw(decode_json);
use HD::Stack;

my $s = HD::Stack->new;
my $t = $s->t;

$t->get_ok($s->url('/api/readyz') => {'X-Request-Id' => 'log-test-ready-1'})->status_is(200);
$t->get_ok($s->url('/api/nope?x=1') => {'X-Request-Id' => 'log-test-404-01'})->status_is(404);
$t->get_ok($s->url('/api/healthz') => {'X-Request-Id' => 'log-test-health1'})->status_is(200);

sub entries {
    my @lines = split /\n/, HD::Stack::slurp($s->access_log_path);
    return map { my $e = eval { decode_json($_) }; $e // {unparsable => $_} } @lines;
}

my $found = HD::Stack::wait_for(5, sub {
    my %by = map { ($_->{request_id} // '') => $_ } entries();
    return 3 == grep { $by{$_} } qw(log-test-ready-1 log-test-404-01 log-test-health1);
});
ok($found, 'all three requests are in the access log');

my @entries = entries();
my @bad = grep { $_->{unparsable} } @entries;
is(scalar @bad, 0, 'every access-log line is valid JSON') or diag explain \@bad;
my %by = map { ($_->{request_id} // '') => $_ } @entries;

my $ready = $by{'log-test-ready-1'} // {};
is($ready->{method}, 'GET', 'method');
is($ready->{uri}, '/api/readyz', 'uri');
like($ready->{route} // '', qr/readyz/, 'route names the matched route');
is($ready->{status}, 200, 'status');
like($ready->{duration_s} // '', qr/^\d+(\.\d+)?$/, 'duration_s is a number');
like($ready->{db_ms} // '', qr/^\d+(\.\d+)?$/, 'db_ms is a number');
cmp_ok($ready->{db_ms} // 0, '>', 0, 'readyz spent time in the database');
cmp_ok($ready->{bytes} // 0, '>', 0, 'bytes sent');
like($ready->{time} // '', qr/^\d{4}-\d\d-\d\dT/, 'ISO 8601 time');

my $nf = $by{'log-test-404-01'} // {};
is($nf->{status}, 404, '404 logged with its status');
is($nf->{uri}, '/api/nope?x=1', 'uri includes the query string');

my $health = $by{'log-test-health1'} // {};
like($health->{route} // '', qr/healthz/, 'healthz route');
ok(!$health->{db_ms} || $health->{db_ms} == 0, 'healthz does not touch the database')
  or diag "db_ms: $health->{db_ms}";

done_testing;
