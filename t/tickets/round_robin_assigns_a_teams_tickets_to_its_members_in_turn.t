# Round robin: a ticket filed in, or moved to, a team whose round_robin toggle is on, without an
# assignee, goes to the team's members in turn — three agents and six tickets make two each, in
# order, also when the six are filed at the same moment; an inactive member and one who may not
# work tickets are skipped; a team with the toggle off leaves tickets unassigned. Each assignment
# is an audit event by the system and an outbox job.
use strict;
use warnings;
use Test::More;
use Mojo::Promise;
use HD::Stack;

my $s = HD::Stack->new(seed => 1, workers => 2, db_pool => 4);
my $mgr = $s->login('manager@example.com');
my $cal = $s->psql("select id from calendars order by name limit 1");
my $rr = $s->psql("insert into teams (name, calendar_id, round_robin) values ('Desk RR', '$cal', true)"
    . " returning id");
my $off = $s->psql("insert into teams (name, calendar_id, round_robin) values ('Desk Off', '$cal', false)"
    . " returning id");
my @agents = map {
    my $id = $s->psql("insert into users (email, display_name) values ('rr$_\@example.com', 'RR $_') returning id");
    $s->psql("insert into user_roles select '$id', id from roles where key = 'agent'");
    $s->psql("insert into team_members (team_id, user_id) values ('$rr', '$id'), ('$off', '$id')");
    $id
} 1 .. 3;
my %name = map { ($agents[$_ - 1] => "rr$_") } 1 .. 3;
$s->psql("insert into team_members (team_id, user_id) select '$rr', id from users"
    . " where email = 'requester2\@example.com'");          # a member who may not work tickets

sub assignees { join ' ', map { $name{ $_->{assignee_id} // '' } // 'other' } @_ }

my @t = map { $s->create_ticket($mgr, title => "Turn $_", team_id => $rr) } 1 .. 6;
is assignees(@t), 'rr1 rr2 rr3 rr1 rr2 rr3', 'six tickets, two each, in turn';

my @p = map { $mgr->ua->post_p($s->url('/api/tickets') => $mgr->h => json => { title => "At once $_", team_id => $rr }) } 1 .. 6;
my @res;
Mojo::Promise->all(@p)->then(sub { @res = map { $_->[0]->res } @_ })->wait;
is scalar(grep { ($_->code // 0) == 201 } @res), 6, 'six filed at the same moment';
is $s->psql("select string_agg(n::text, ' ' order by email) from (select u.email, count(*) n from tickets t"
    . " join users u on u.id = t.assignee_id where t.title like 'At once%' group by u.email) x"), '2 2 2',
    'still two each';

$s->psql("update users set active = false where id = '$agents[1]'");
@t = map { $s->create_ticket($mgr, title => "Skip $_", team_id => $rr) } 1 .. 4;
is assignees(@t), 'rr1 rr3 rr1 rr3', 'an inactive agent is skipped';

my $given = $s->create_ticket($mgr, title => 'Given', team_id => $rr, assignee_id => $agents[0]);
is $given->{assignee_id}, $agents[0], 'an assignee given is kept';

my $o = $s->create_ticket($mgr, title => 'Toggle off', team_id => $off);
is $o->{assignee_id}, undef, 'a team with the toggle off leaves the ticket unassigned';

$mgr->t->patch_ok($s->url("/api/tickets/$o->{id}") => $mgr->h('If-Match' => '"1"') => json => { team_id => $rr })
    ->status_is(200)->json_like('/assignee_id', qr/^($agents[0]|$agents[2])$/, 'moved to the team: assigned');
is $s->psql("select count(*) from jobs where kind = 'ticket.assigned' and payload->>'ticket_id' = '$o->{id}'"), 1,
    'one ticket.assigned job for the move';

is $s->psql("select string_agg(actor_type || ' ' || (diff_json->>'rule') || ' '"
    . " || (diff_json->'assignee_id'->>1 = '$agents[0]')::text, '; ' order by id) from audit_events"
    . " where entity_id = '$t[0]{id}' and action = 'ticket.assigned'"), 'system round_robin true',
    'each assignment is audited, by the system';
is $s->psql("select count(*) from jobs where kind = 'ticket.assigned' and payload->>'ticket_id' = '$t[0]{id}'"), 1,
    'and has its outbox job';

done_testing;
