# One hundred writes at the same moment through the API (ticket creates, comments and updates from
# several users, over both nginx workers and their pools) append their audit events through the
# locked chain head: the result is one linear chain — every event's prev_hash is the hash of the
# event before it, no two events share a predecessor — and `helpdesk-worker audit verify` recomputes
# it end to end.
use strict;
use warnings;
use Test::More;
use Mojo::Promise;
use HD::Stack;

my $s = HD::Stack->new(seed => 1, workers => 2, db_pool => 4);
my @who = map { $s->login($_) } 'requester@example.com', 'agent@example.com', 'manager@example.com',
    'admin@example.com';
my @tickets = map { $s->create_ticket($who[0], title => "Base $_") } 1 .. 5;
$s->psql("update tickets set team_id = (select id from teams where name = 'Service Desk')");
my $before = $s->psql('select count(*) from audit_events');

my @p;
for my $n (1 .. 100) {
    my $c = $who[$n % @who];
    my $t = $tickets[$n % @tickets];
    push @p, $n % 3 == 0
        ? $c->ua->post_p($s->url('/api/tickets') => $c->h => json => { title => "Concurrent $n" })
        : $c->ua->post_p($s->url("/api/tickets/$t->{id}/comments") => $c->h
            => json => { body_md => "comment $n" });
}
my @res;
Mojo::Promise->all(@p)->then(sub { @res = map { $_->[0]->res } @_ })->wait;
my @ok = grep { ($_->code // 0) == 201 } @res;
my @bad = grep { ($_->code // 0) != 201 } @res;
is scalar(@ok), 100, 'all hundred writes succeeded' or diag map { ($_->code // '-') . ' ' . $_->body } @bad;

my $total = $s->psql('select count(*) from audit_events');
cmp_ok $total - $before, '>=', 100, 'each appended its audit event';
is $s->psql('select count(distinct prev_hash) from audit_events'), $total,
    'no two events share a predecessor: the chain never forked';
is $s->psql(q{select count(*) from audit_events e
               join lateral (select hash from audit_events p where p.id < e.id
                             order by p.id desc limit 1) prev on true
              where e.prev_hash <> prev.hash}), 0, 'each event links to the one before it';
is $s->psql('select count(*) from audit_events e join audit_chain_head h on h.last_id = e.id'
    . ' and h.last_hash = e.hash'), 1, 'the chain head is the last event';

my ($rc, $out) = $s->worker_cli('audit', 'verify');
is $rc, 0, 'audit verify exits 0' or diag $out;
like $out, qr/\b$total events\b/, 'and counts every event';

done_testing;
