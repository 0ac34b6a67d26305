# GET /api/tickets filters by status, priority, team, assignee, requester, category and date
# ranges; sorts only by keys from its allowlist; and pages with an opaque cursor that neither
# repeats nor skips a ticket, for every sort.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $mgr = $s->login('manager@example.com');
my $r1 = $s->login('requester@example.com');
my $r2 = $s->login('requester2@example.com');
my $r1_id = $r1->user->{id};
my $agent_id = $s->user_id('agent@example.com');
my $infra = $s->psql("select id from teams where name = 'Infrastructure'");

my @prio = qw(P1 P2 P3 P4);
my @ids;
for my $i (1 .. 13) {
    my $c = $i % 2 ? $r1 : $r2;
    push @ids, $s->create_ticket($c, title => "Ticket $i", priority => $prio[$i % 4],
        category => $i % 3 ? 'Hardware' : 'Access')->{id};
}
$s->psql("update tickets set team_id = '$infra', assignee_id = '$agent_id', status = 'assigned'"
    . " where id in ('$ids[0]', '$ids[1]', '$ids[2]')");
$s->psql("update tickets set created_at = '2025-01-15T12:00:00Z' where id = '$ids[12]'");

sub list {
    my ($query) = @_;
    $mgr->t->get_ok($s->url("/api/tickets?$query"))->status_is(200, $query);
    return $mgr->t->tx->res->json;
}
sub titles { join ',', sort map { $_->{title} } @{ $_[0]{items} } }

is scalar @{ list('')->{items} }, 13, 'a manager sees every ticket';
is titles(list('status=assigned')), 'Ticket 1,Ticket 2,Ticket 3', 'status';
is titles(list('status=assigned,new&priority=P2')), 'Ticket 1,Ticket 13,Ticket 5,Ticket 9', 'status list and priority';
is titles(list("team_id=$infra")), 'Ticket 1,Ticket 2,Ticket 3', 'team';
is titles(list("assignee_id=$agent_id&priority=P4")), 'Ticket 3', 'assignee and priority';
is scalar @{ list('assignee_id=none')->{items} }, 10, 'assignee_id=none: the unassigned ones';
is titles(list('assignee_id=none&status=assigned')), '', 'assignee_id=none and status';
is scalar @{ list("requester_id=$r1_id")->{items} }, 7, 'requester';
is titles(list('category=Access')), 'Ticket 12,Ticket 3,Ticket 6,Ticket 9', 'category';
is titles(list('created_before=2026-01-01')), 'Ticket 13', 'created range';
is scalar @{ list('created_after=2025-02-01T00:00:00Z')->{items} }, 12, 'created range, date-time';
is scalar @{ list('updated_after=2100-01-01')->{items} }, 0, 'updated range';

# sorts and pages
for my $sort (qw(created_at -created_at updated_at -updated_at number -number priority -priority)) {
    my (@seen, $cursor, $pages);
    do {
        my $page = list("sort=$sort&limit=4" . ($cursor ? "&cursor=$cursor" : ''));
        push @seen, map { $_->{id} } @{ $page->{items} };
        $cursor = $page->{next_cursor};
        $pages++;
    } while ($cursor && $pages < 10);
    is $pages, 4, "$sort: 13 tickets in pages of 4";
    my %u = map { $_ => 1 } @seen;
    is scalar(@seen), 13, "$sort: every ticket once" and is scalar(keys %u), 13, "$sort: no repeats";
    my @all = @{ list("sort=$sort&limit=100")->{items} };
    is_deeply \@seen, [map { $_->{id} } @all], "$sort: pages in the same order as one long page";
}
my @by_prio = map { $_->{priority} } @{ list('sort=priority&limit=100')->{items} };
is_deeply \@by_prio, [sort @by_prio], 'priority sorts P1 first';
my @by_num = map { $_->{number} =~ s/TKT-//r } @{ list('sort=-number&limit=100')->{items} };
is_deeply \@by_num, [sort { $b <=> $a } @by_num], '-number sorts highest first';

# bad queries: 400 problem+json naming the argument
my $first = list('sort=number&limit=2');
for my $bad ('sort=title', 'sort=created_at%3Bdrop', 'sort=id%3Bdrop%20table%20tickets', 'limit=0',
    'limit=-1', 'limit=x', 'priority=P7',
    'assignee_id=me', 'created_after=yesterday', 'cursor=bm90LWEtY3Vyc29y', 'q=printer',
    "sort=-number&cursor=$first->{next_cursor}")
{
    $mgr->t->get_ok($s->url("/api/tickets?$bad"))->status_is(400, "$bad: 400")
        ->header_like('Content-Type', qr{application/problem\+json})
        ->json_has('/errors/0/field');
}

# more than a page is clamped to one page, not refused
$mgr->t->get_ok($s->url('/api/tickets?limit=1e9&sort=number'))->status_is(200, 'limit=1e9: 200');
cmp_ok scalar @{ $mgr->t->tx->res->json->{items} }, '<=', 100, 'clamped to at most 100 items';

# requesters list only their own
$r2->t->get_ok($s->url('/api/tickets?limit=100'))->status_is(200);
is scalar @{ $r2->t->tx->res->json->{items} }, 6, "a requester lists only their own tickets";
$r2->t->get_ok($s->url("/api/tickets?requester_id=$r1_id"))->status_is(200)
    ->json_is('/items', [], "and filtering by another requester finds nothing");

done_testing;
