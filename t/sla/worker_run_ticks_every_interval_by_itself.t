# `helpdesk-worker run` ticks by itself (sla_tick_seconds, here 1): a ticket filed two days ago on
# the round-the-clock calendar, never answered, gets its breach jobs without anyone running a
# command, and only once however many ticks pass.
use strict;
use warnings;
use Test::More;
use POSIX qw(strftime);
use HD::Stack;
use HD::SLA qw(ticket_at);

my $s = HD::Stack->new(seed => 1, env => { HD_SLA_TICK => 1 });
my $admin = $s->login('admin@example.com');
my $two_days_ago = strftime('%Y-%m-%dT%H:%M:%SZ', gmtime(time - 2 * 86400));
my $t = ticket_at($s, $admin, $two_days_ago, priority => 'P1', team_id => $s->psql(
    "select id from teams where name = 'Infrastructure'"), requester_id => $s->user_id('requester@example.com'));
$admin->t->get_ok($s->url("/api/tickets/$t->{id}"))->json_is('/sla/state', 'breached',
    'filed two days ago: a P1 is long past its targets');

my $n = sub { $s->psql("select count(*) from jobs where kind = 'sla.breached' and payload->>'ticket_id' = '$t->{id}'") };
ok HD::Stack::wait_for(15, sub { $n->() == 2 }, 0.2), 'the running worker queued both breach jobs by itself';
sleep 3;
is $n->(), 2, 'and no more on the ticks after';

done_testing;
