# Fifty tickets filed at the same moment get fifty different TKT numbers, no errors, each ticket with its
# own audit event and outbox job.
use strict;
use warnings;
use Test::More;
use Mojo::Promise;
use HD::Stack;

my $s = HD::Stack->new(seed => 1, workers => 2, db_pool => 4);
my $r = $s->login('requester@example.com');

my @p = map {
    my $n = $_;
    $r->ua->post_p($s->url('/api/tickets') => $r->h => json => { title => "Concurrent $n" })
} 1 .. 50;

my @res;
Mojo::Promise->all(@p)->then(sub { @res = map { $_->[0]->res } @_ })->wait;

is scalar(@res), 50, "fifty answers";
is scalar(grep { ($_->code // 0) == 201 } @res), 50, "all created" or diag map { $_->body } @res;
my @numbers = map { $_->json->{number} } @res;
my %seen;
$seen{$_}++ for @numbers;
is scalar(keys %seen), 50, "fifty distinct numbers";
ok !(grep { !/^TKT-\d+$/ } @numbers), 'all of the form TKT-n';

is $s->psql('select count(distinct number) from tickets'), 50, 'as the database has them';
is $s->audit_count('ticket.created'), 50, 'an audit event each';
is $s->psql("select count(*) from jobs where kind = 'ticket.created'"), 50, 'an outbox job each';

done_testing;
