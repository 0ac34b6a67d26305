# With the pool and its wait queue full, further requests are answered at once with 503
# problem+json and Retry-After, while the admitted ones complete.
use strict;
use warnings;
use Test::More;
use Mojo::Promise;
use Time::HiRes qw(time);
use HD::Stack;

# One worker, one connection, one waiting slot: at most two requests are admitted at a time.
my $s = HD::Stack->new(workers => 1, db_pool => 1, db_queue => 1, db_timeout => '5s');
my $t = $s->t;
$t->get_ok($s->url('/api/readyz'))->status_is(200, 'pool connected');

my $n = 6;
my @uas = map { HD::Stack::new_ua() } 1 .. $n;
my (@results, @ms);
my $t0 = time;
Mojo::Promise->all(map {
    my $i = $_;
    $uas[$i]->get_p($s->url('/api/_test/sleep?ms=1000'))->then(sub {
        $results[$i] = shift->result;
        $ms[$i] = time - $t0;
    });
} 0 .. $n - 1)->catch(sub { fail("request failed: @_") })->wait;

my %count;
$count{$_->code}++ for grep {defined} @results;
is($count{200} // 0, 2, 'two admitted (one running, one queued) and completed');
is($count{503} // 0, $n - 2, 'the rest shed with 503');
is(scalar(keys %count), ($count{200} ? 1 : 0) + ($count{503} ? 1 : 0), 'no other status');

for my $i (0 .. $n - 1) {
    my $res = $results[$i] or next;
    next unless $res->code == 503;
    like($res->headers->header('Retry-After') // '', qr/^\d+$/, "503 #$i has Retry-After");
    like($res->headers->content_type // '', qr{^application/problem\+json}, "503 #$i is problem+json");
    cmp_ok($ms[$i], '<', 0.9, "503 #$i answered at once, not after waiting");
}

$t->get_ok($s->url('/api/readyz'))->status_is(200, 'readyz works once the burst is over');

done_testing;
