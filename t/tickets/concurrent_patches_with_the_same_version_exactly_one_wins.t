# Ten agents PATCH the same ticket at the same moment, all with If-Match on version 1: exactly one
# wins (200, version 2), the other nine get 409 with the current version, and the ticket, its
# audit trail and its outbox show the winner's change only.
use strict;
use warnings;
use Test::More;
use Mojo::Promise;
use HD::Stack;

my $s = HD::Stack->new(seed => 1, workers => 2, db_pool => 4);
my $agent = $s->login('agent@example.com');
my $t = $s->create_ticket($agent, title => 'Race me');
is $t->{version}, 1, 'a new ticket is version 1';
my $url = $s->url("/api/tickets/$t->{id}");

my @p = map {
    my $n = $_;
    $agent->ua->patch_p($url => $agent->h('If-Match' => '"1"') => json => { title => "Winner $n" })
} 1 .. 10;
my @res;
Mojo::Promise->all(@p)->then(sub { @res = map { $_->[0]->res } @_ })->wait;

my @won = grep { ($_->code // 0) == 200 } @res;
my @lost = grep { ($_->code // 0) == 409 } @res;
is scalar(@won), 1, 'exactly one PATCH wins' or diag map { ($_->code // '-') . ' ' . $_->body } @res;
is scalar(@lost), 9, 'the nine others are 409';
is $_->json->{current_version}, 2, 'each 409 names the current version' for @lost;

my $winner = $won[0]->json->{title};
$agent->t->get_ok($url)->status_is(200)->json_is('/version', 2)->json_is('/title', $winner,
    'the ticket holds the winner\'s title');
is $s->audit_count('ticket.updated', "entity_id = '$t->{id}'"), 1, 'one update in the audit trail';
is $s->psql("select count(*) from jobs where kind = 'ticket.updated' and payload->>'ticket_id' = '$t->{id}'"),
    1, 'one update job';

done_testing;
