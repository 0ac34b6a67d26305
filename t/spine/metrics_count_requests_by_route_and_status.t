# /metrics exposes the documented Prometheus families, and request counters and the latency
# histogram grow with traffic (summed across nginx workers).
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(workers => 2);
my $t = $s->t;

# Prometheus text → { "name{sorted labels}" => value }.
sub scrape {
    my $tx = HD::Stack::new_ua()->get($s->url('/metrics'));
    my %m;
    for my $line (split /\n/, $tx->res->body) {
        next if $line =~ /^#/ || $line !~ /\S/;
        my ($name, $labels, $value) = $line =~ /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/
          or next;
        my %l = ($labels // '') =~ /(\w+)="((?:[^"\\]|\\.)*)"/g;
        $m{$name . '{' . join(',', map {"$_=$l{$_}"} sort keys %l) . '}'} = $value;
    }
    return \%m;
}

# Sum of the samples of $name whose labels match every regex in %want.
sub total {
    my ($m, $name, %want) = @_;
    my $sum = 0;
    for my $k (keys %$m) {
        my ($n, $labels) = $k =~ /^(.*?)\{(.*)\}$/ or next;
        next unless $n eq $name;
        my %l = map { split /=/, $_, 2 } grep {length} split /,/, $labels;
        next if grep { ($l{$_} // '') !~ $want{$_} } keys %want;
        $sum += $m->{$k};
    }
    return $sum;
}

# A request is counted in nginx's log phase, just after its response went out: on a busy machine
# a scrape from another worker can come first.  Make one request and wait (bounded) until it
# shows before looking at the families.
$t->get_ok($s->url('/api/readyz'))->status_is(200);
my $body = '';
for (1 .. 50) {
    $t->get_ok($s->url('/metrics'))->status_is(200)->content_type_like(qr{^text/plain});
    $body = $t->tx->res->body;
    last if $body =~ /^helpdesk_http_request_duration_seconds_count\{route="readyz"/m;
    select(undef, undef, undef, 0.1);
}
for my $family (qw(helpdesk_http_requests_total helpdesk_http_request_duration_seconds
    helpdesk_db_pool_connections helpdesk_db_errors_total))
{
    ok($body =~ /^# TYPE $family (counter|histogram|gauge)$/m, "# TYPE line for $family");
}
ok($body =~ /^helpdesk_http_request_duration_seconds_bucket\{.*le="\+Inf".*\} \d/m, '+Inf bucket');
ok($body =~ /^helpdesk_http_request_duration_seconds_sum\{/m,   'histogram _sum');
ok($body =~ /^helpdesk_http_request_duration_seconds_count\{/m, 'histogram _count');
for my $state (qw(in_use idle)) {
    ok($body =~ /^helpdesk_db_pool_connections\{[^}]*state="$state"[^}]*\} \d/m, "pool $state gauge");
}
ok($body =~ /^helpdesk_db_pool_(?:connections\{[^}]*state="waiting"[^}]*\}|waiting(?:\{[^}]*\})?) \d/m,
    'requests waiting for a connection are exposed');
# Issue 2: "a latency histogram by route and status".
ok($body =~ /^helpdesk_http_request_duration_seconds_count\{[^}]*status="\d{3}"/m,
    'latency histogram is labelled by status too');

my $before = scrape();
my $n = 20;
for (1 .. $n) {
    # A fresh agent per request spreads them over connections, and so over workers.
    my $res = HD::Stack::new_ua()->get($s->url('/api/readyz'))->result;
    is($res->code, 200, 'readyz') if $_ == 1;
}
HD::Stack::new_ua()->get($s->url('/api/missing'));

my %ready = (route => qr/readyz/, status => qr/^200$/);
my $after;
HD::Stack::wait_for(3, sub {
    $after = scrape();
    total($after, 'helpdesk_http_requests_total', %ready)
      - total($before, 'helpdesk_http_requests_total', %ready) >= $n;
});
is(total($after, 'helpdesk_http_requests_total', %ready)
      - total($before, 'helpdesk_http_requests_total', %ready),
    $n, "requests_total{route~readyz,status=200} grew by $n");
my %ready_route = (route => qr/readyz/);
is(total($after, 'helpdesk_http_request_duration_seconds_count', %ready_route)
      - total($before, 'helpdesk_http_request_duration_seconds_count', %ready_route),
    $n, "latency histogram count grew by $n");
cmp_ok(total($after, 'helpdesk_http_requests_total', status => qr/^404$/)
      - total($before, 'helpdesk_http_requests_total', status => qr/^404$/),
    '>=', 1, '404 counted under its status');

done_testing;
