# GET /api/tickets/{id} takes the people and the team it shows from a cache in each nginx worker
# (core/hd_dircache.h), valid at one generation of the directory (migrations/0026): a rename,
# through the API or straight in the database, shows on the very next read from either worker,
# and a read from the cache shows the document a full read shows.  A requester who only watches
# the ticket still reads it (the lean read leaves the watcher relation out).  The SLA member
# follows the clock as it comes and goes; the mark that says a ticket has one is bookkeeping,
# never a change of the ticket (no new version, no updated_at, nothing in its audit event).
# The same generation vouches for the caller's principal (migrations/0027): a personal access
# token reading from either worker's cache is refused on the very next read once its user
# leaves the ticket's team, is deactivated, or the token is revoked, straight in the database;
# a transaction that changes many principals moves the generation once.
use strict;
use warnings;
use utf8;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $admin = $s->login('admin@example.com');
my $agent = $s->login('agent@example.com');
my $r2 = $s->login('requester2@example.com');
my $req_id = $s->user_id('requester@example.com');
my $r2_id = $s->user_id('requester2@example.com');
my $lead_id = $s->user_id('lead@example.com');
my $desk = $s->psql("select id from teams where name = 'Service Desk'");

my $t = $s->create_ticket($admin, title => 'Monitor flickers', requester_id => $req_id,
    team_id => $desk, assignee_id => $lead_id, priority => 'P3');
is $t->{team}{name}, 'Service Desk', 'the ticket is the Service Desk\'s';
is $t->{assignee}{display_name}, 'Lee Lead', 'assigned to the lead';

# Every read on a new connection, so that both nginx workers answer some of them.
$_->ua->max_connections(0) for $agent, $r2;
my $reads = 12;

# The ticket read $reads times by id as $c; each must be 200 and equal to a read by number,
# which always reads the whole document from the database.
sub reads {
    my ($c, $name) = @_;
    my @docs;
    for (1 .. $reads) {
        my $res = $c->ua->get($s->url("/api/tickets/$t->{id}"))->res;
        is $res->code, 200, "$name: read $_ answers 200" or diag $res->body;
        push @docs, $res->json;
    }
    my $full = $c->ua->get($s->url("/api/tickets/$t->{number}"))->res;
    is $full->code, 200, "$name: the read by number answers 200";
    is_deeply $_, $full->json, "$name: a read by id shows what the full read shows"
        or diag explain { by_id => $_, full => $full->json } for $docs[0], $docs[-1];
    return @docs;
}

# The values of one member path (e.g. requester/display_name) across reads, distinct.
sub seen {
    my ($path, @docs) = @_;
    my ($obj, $key) = split m{/}, $path;
    my %v = map { (($_->{$obj} // {})->{$key} // '(none)') => 1 } @docs;
    return join ', ', sort keys %v;
}

my @docs = reads($agent, 'before any rename');
is seen('requester/display_name', @docs), 'Riley Requester', 'the requester\'s name';
is seen('team/name', @docs), 'Service Desk', 'the team\'s name';

# renamed through the API
$admin->t->patch_ok($s->url("/api/users/$req_id") => $admin->h
    => json => { display_name => 'Riley Renamed' })->status_is(200);
@docs = reads($agent, 'after the requester was renamed');
is seen('requester/display_name', @docs), 'Riley Renamed', 'every read shows the new name';

$admin->t->patch_ok($s->url("/api/teams/$desk") => $admin->h => json => { name => 'Front Desk' })
    ->status_is(200);
@docs = reads($agent, 'after the team was renamed');
is seen('team/name', @docs), 'Front Desk', 'every read shows the team\'s new name';
is seen('requester/display_name', @docs), 'Riley Renamed', 'and still the requester\'s';

# changed straight in the database, as an administrator's script might
$s->psql("update users set email = 'lee.lead\@example.com' where id = '$lead_id'");
@docs = reads($agent, 'after the assignee\'s email changed in the database');
is seen('assignee/email', @docs), 'lee.lead@example.com', 'every read shows the new email';

$s->psql("update teams set name = 'Service Desk' where id = '$desk'");
@docs = reads($agent, 'after the team was renamed in the database');
is seen('team/name', @docs), 'Service Desk', 'every read shows the name it was given back';

# a change that is not a rename keeps the cache (and the names)
$s->psql("update users set locale = 'fr-FR' where id = '$req_id'");
@docs = reads($agent, 'after a change that is no rename');
is seen('requester/display_name', @docs), 'Riley Renamed', 'the names stand';

# a requester who only watches it
$r2->t->get_ok($s->url("/api/tickets/$t->{id}"))->status_is(404, 'requester 2 cannot read it yet');
$agent->t->post_ok($s->url("/api/tickets/$t->{id}/watchers") => $agent->h
    => json => { user_id => $r2_id })->status_is(201);
@docs = reads($r2, 'requester 2, watching');
is seen('requester/display_name', @docs), 'Riley Renamed', 'a watcher reads the ticket';

# the SLA clock and its mark
my $row = sub {
    $s->psql("select concat_ws('|', coalesce(has_sla_clock::text, 'null'), version, updated_at)"
        . " from tickets where id = '$t->{id}'");
};
ok defined $t->{sla} && $t->{sla}{policy}{name}, 'the new ticket has an SLA clock';
my ($mark, $version, $updated) = split /\|/, $row->();
is $mark, 'true', 'and is marked as having one';
is $version, 1, 'created at version 1: setting the mark is not a change';
is $s->psql("select count(*) from audit_events where entity_id = '$t->{id}'"
    . " and action = 'ticket.created' and diff_json ? 'has_sla_clock'"), 0,
    'the mark is not in the ticket.created event';

$s->psql("delete from ticket_sla_clocks where ticket_id = '$t->{id}'");
is $row->(), "null|$version|$updated", 'the clock gone: unmarked, same version and updated_at';
@docs = reads($agent, 'without a clock');
is seen('sla/state', @docs), '(none)', 'no read shows an SLA member';

$s->psql("select sla_refresh('$t->{id}')");
is $row->(), "true|$version|$updated", 'the clock back: marked, same version and updated_at';
@docs = reads($agent, 'with the clock again');
ok !grep({ !defined $_->{sla} } @docs), 'every read shows the SLA member again';

# A personal access token of the agent (in the Service Desk, neither requester nor assignee):
# its principal is cached, and each worker's cache vouches for it after its first full read.
my $agent_id = $s->user_id('agent@example.com');
$agent->t->post_ok($s->url('/api/me/tokens') => $agent->h => json => { name => 'reader' })
    ->status_is(201);
my ($pat, $pat_id) = @{ $agent->t->tx->res->json }{qw(token id)};
my $pua = $s->new_ua;
$pua->max_connections(0);
sub pat_codes {
    my %codes;
    $codes{ $pua->get($s->url("/api/tickets/$t->{id}") => $s->bearer($pat))->res->code }++
        for 1 .. $reads;
    return join ', ', map { "$_ x$codes{$_}" } sort keys %codes;
}
is pat_codes(), "200 x$reads", 'the token reads the team\'s ticket, every time';
is pat_codes(), "200 x$reads", 'and again, from the caches';

$s->psql("delete from team_members where team_id = '$desk' and user_id = '$agent_id'");
is pat_codes(), "404 x$reads", 'out of the team (in the database): 404 on every read at once';
$s->psql("insert into team_members (team_id, user_id) values ('$desk', '$agent_id')");
is pat_codes(), "200 x$reads", 'back in it: every read answers again';

$s->psql("update users set active = false where id = '$agent_id'");
is pat_codes(), "401 x$reads", 'deactivated (in the database): 401 on every read at once';
$s->psql("update users set active = true where id = '$agent_id'");
is pat_codes(), "200 x$reads", 'active again: every read answers again';

$s->psql("update api_tokens set revoked_at = now() where id = '$pat_id'");
is pat_codes(), "401 x$reads", 'the token revoked (in the database): 401 on every read at once';

# One transaction that changes many principals moves the generation once (a move per row left
# as many dead versions of directory_gen's one row for every read to scan).
my $gen = $s->psql('select gen from directory_gen');
my $users = $s->psql('select count(*) from users');
cmp_ok $users, '>', 5, 'several users';
$s->psql("update users set locale = 'de-DE'");
is $s->psql('select gen from directory_gen'), $gen + 1,
    "a statement that changed all $users principals moved the generation by one";
@docs = reads($agent, 'after every principal changed');
is seen('requester/display_name', @docs), 'Riley Renamed', 'the names stand';

done_testing;
