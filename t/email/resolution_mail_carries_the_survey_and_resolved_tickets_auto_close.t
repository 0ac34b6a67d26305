# Resolving a ticket mails its requester the good/bad survey links; the csat row keeps only the
# token's sha256. A resolved ticket without a requester reply for auto_close_days (3) is closed
# by the worker as the system (status history without actor, audit event), exactly once; one
# with a recent requester reply, or resolved recently, stays resolved.
use strict;
use warnings;
use Test::More;
use Digest::SHA qw(sha256_hex);
use HD::Stack;

my $s = HD::Stack->new(seed => 1, smtp => 1);
my $agent = $s->login('agent@example.com');
my $req = $s->login('requester@example.com');
my $rid = $req->user->{id};

sub resolve {
    my ($t) = @_;
    $agent->t->patch_ok($s->url("/api/tickets/$t->{id}") => $agent->h('If-Match' => qq{"$t->{version}"})
        => json => { status => 'resolved' })->status_is(200);
}

my $t = $s->create_ticket($agent, title => 'Mouse broken', requester_id => $rid);
resolve($t);
my @m = $s->wait_mails(1);
is scalar @m, 1, 'one resolution mail (a web ticket has no acknowledgement)';
my $m = $m[0];
is $m->{to}, 'requester@example.com', 'to the requester';
like $m->{header}{subject}[0], qr/^\[#TKT-\d+\] Resolved: Mouse broken$/, 'subject';
my $base = $s->url('/csat/');
my ($good) = $m->{text} =~ m{Good: (\Q$base\E\S+)};
my ($bad) = $m->{text} =~ m{Bad:  (\Q$base\E\S+)};
like $good, qr{/csat/[A-Za-z0-9_-]{43}\?score=good$}, 'a good link';
like $bad, qr{/csat/[A-Za-z0-9_-]{43}\?score=bad$}, 'a bad link';
my ($token) = $good =~ m{/csat/([^?]+)};
like $m->{html}, qr{href="\Q$base$token\E\?score=good"}, 'the HTML part links it too';
is $s->psql("select encode(token_hash, 'hex') from csat where ticket_id = '$t->{id}'"), sha256_hex($token),
    'the csat row stores the token\'s sha256';
is $s->psql("select count(*) from csat where token_hash::text like '%$token%'"), 0, 'never the token';

# auto-close: one resolved 4 days ago, one 4 days ago with a requester reply yesterday, one today
$s->psql("update ticket_status_history set at = now() - interval '4 days'"
    . " where ticket_id = '$t->{id}' and to_status = 'resolved'");
my $replied = $s->create_ticket($agent, title => 'Replied', requester_id => $rid);
resolve($replied);
$req->t->post_ok($s->url("/api/tickets/$replied->{id}/comments") => $req->h
    => json => { body_md => 'Thanks, one more thing' })->status_is(201);
$s->psql("update ticket_status_history set at = now() - interval '4 days'"
    . " where ticket_id = '$replied->{id}' and to_status = 'resolved'");
$s->psql("update ticket_comments set created_at = now() - interval '1 day' where ticket_id = '$replied->{id}'");
my $fresh = $s->create_ticket($agent, title => 'Fresh', requester_id => $rid);
resolve($fresh);

like $s->jobs_run_once, qr/auto-closed 1,/, 'run-once closes one ticket';
is $s->psql("select string_agg(title || ':' || status, ',' order by number) from tickets"),
    'Mouse broken:closed,Replied:resolved,Fresh:resolved', 'only the one without a reply for 3 days';
is $s->psql("select coalesce(actor_id::text, 'system') || ' ' || from_status || '>' || to_status"
    . " from ticket_status_history where ticket_id = '$t->{id}' order by at desc limit 1"),
    'system resolved>closed', 'status history by the system';
is $s->audit_count('ticket.auto_closed', "entity_id = '$t->{id}' and actor_type = 'system'"), 1,
    'audited as the system';
like $s->jobs_run_once, qr/auto-closed 0,/, 'a second run closes nothing';
is $s->audit_count('ticket.auto_closed'), 1, 'idempotent';
my ($rc, $out) = $s->worker_cli('audit', 'verify');
is $rc, 0, 'the audit chain is intact' or diag $out;

done_testing;
