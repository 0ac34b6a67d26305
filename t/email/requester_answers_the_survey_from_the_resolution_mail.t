# The survey behind the resolution mail's links (GET and POST /api/csat/{token}): anyone holding
# the emailed token, signed in or not, reads the survey (ticket number and title only) and
# answers good or bad, with an optional comment; the answer may change until the survey expires,
# and each change is audited on the ticket. A malformed or unknown token is 404, an expired
# survey 410, a deleted ticket's survey 404; bad bodies are 400 naming the field; none of them
# changes anything. An answer without a comment keeps the comment there is. The access log never
# shows a token.
use strict;
use warnings;
use utf8;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1, smtp => 1);
my $agent = $s->login('agent@example.com');
my $req = $s->login('requester@example.com');
my $rid = $req->user->{id};

my $t = $s->create_ticket($agent, title => 'Monitor flickers', requester_id => $rid);
$agent->t->patch_ok($s->url("/api/tickets/$t->{id}") => $agent->h('If-Match' => qq{"$t->{version}"})
    => json => { status => 'resolved' })->status_is(200);
my ($m) = $s->wait_mails(1);
my ($token) = ($m->{text} // '') =~ m{/csat/([A-Za-z0-9_-]{43})\?score=good};
ok $token, 'the resolution mail carries a survey token' or BAIL_OUT('no token');
my $url = $s->url("/api/csat/$token");
my ($n) = $t->{number} =~ /(\d+)/;

sub row { $s->psql("select concat_ws('|', coalesce(score, '-'), coalesce(comment, '-'),"
    . " responded_at is not null) from csat where ticket_id = '$t->{id}'") }
sub answered { $s->audit_count('csat.answered', "entity_id = '$t->{id}'") }

# signed out: the survey as its page shows it
$s->t->get_ok($url)->status_is(200)
    ->json_is('/ticket/number', "TKT-$n")->json_is('/ticket/title', 'Monitor flickers')
    ->json_is('/score', undef)->json_is('/comment', undef)->json_is('/responded_at', undef)
    ->json_like('/expires_at', qr/^\d{4}-\d\d-\d\dT/);
is_deeply [sort keys %{ $s->t->tx->res->json }], [qw(comment expires_at responded_at score ticket)],
    'nothing else: no requester, no description';
is_deeply [sort keys %{ $s->t->tx->res->json->{ticket} }], [qw(number title)], 'ticket: number and title';

# bad tokens and bodies change nothing
my $before = row();
for my $bad ('x', substr($token, 0, 42), $token . 'A', substr($token, 0, 42) . '!',
    ('A' x 43)) {
    (my $name = $bad) =~ s/^(.{8}).*/$1…/;
    $s->t->get_ok($s->url("/api/csat/$bad"))->status_is(404, "GET token $name: 404")
        ->header_like('Content-Type', qr{application/problem\+json});
    $s->t->post_ok($s->url("/api/csat/$bad") => json => { score => 'good' })
        ->status_is(404, "POST token $name: 404");
}
my @bodies = (
    [ score   => {} ],
    [ score   => { score => 'great' } ],
    [ score   => { score => 1 } ],
    [ score   => { score => undef } ],
    [ comment => { score => 'good', comment => 'x' x 2001 } ],
    [ comment => { score => 'good', comment => "bell\x{7}" } ],
    [ comment => { score => 'good', comment => 42 } ],
    [ rating  => { score => 'good', rating => 5 } ],
);
for my $b (@bodies) {
    my ($field, $body) = @$b;
    $s->t->post_ok($url => json => $body)->status_is(400, "bad $field: 400")
        ->header_like('Content-Type', qr{application/problem\+json});
    like $s->t->tx->res->body, qr/\Q$field\E/, "the error names $field";
}
$s->t->post_ok($url => json => { score => 'good', comment => "line\x{0}break" })
    ->status_is(400, 'NUL in a comment: 400')->json_like('/type', qr/invalid-json$/);
$s->t->post_ok($url => { 'Content-Type' => 'text/plain' } => 'score=good')
    ->status_is(415, 'a form post is not JSON: 415');
is row(), $before, 'nothing stored';
is answered(), 0, 'nothing audited';

# the one-click answer, then a comment, then a change of mind
$s->t->post_ok($url => json => { score => 'good' })->status_is(200)
    ->json_is('/score', 'good')->json_is('/comment', undef)->json_like('/responded_at', qr/^\d{4}-/);
is row(), 'good|-|t', 'stored';
my $comment = "Fixed quickly, merci — “great”\nThanks!";
$s->t->post_ok($url => json => { score => 'good', comment => $comment })->status_is(200)
    ->json_is('/comment', $comment);
my $answered_at = $s->psql("select responded_at || ' ' || updated_at from csat where ticket_id = '$t->{id}'");
$s->t->post_ok($url => json => { score => 'good' })->status_is(200)
    ->json_is('/comment', $comment, 'an answer without a comment keeps it');
is $s->psql("select responded_at || ' ' || updated_at from csat where ticket_id = '$t->{id}'"), $answered_at,
    'an answer that changes nothing leaves the survey as it was (when it was answered too)';
$s->t->post_ok($url => json => { score => 'bad', comment => '   ' })->status_is(200)
    ->json_is('/score', 'bad')->json_is('/comment', undef, 'a blank comment removes it');
$s->t->post_ok($url => json => { score => 'bad', comment => 'x' x 2000 })->status_is(200,
    '2000 characters is allowed');
$s->t->post_ok($url => json => { score => 'bad', comment => undef })->status_is(200)
    ->json_is('/comment', undef, 'null removes the comment');
is answered(), 5, 'each change audited; the repeat that changed nothing is not';
is $s->audit_count('csat.answered', "entity_id = '$t->{id}' and actor_type = 'email'"
    . " and actor_id = '$rid' and diff_json->'after'->>'score' = 'good'"
    . " and diff_json->'before'->>'score' is null"), 1,
    'the first answer: by the requester through email, before and after';
$req->t->get_ok($s->url("/api/tickets/$t->{id}/audit") => $req->h)->status_is(403,
    'requesters do not read the audit trail');
$agent->t->get_ok($s->url("/api/tickets/$t->{id}/audit") => $agent->h)->status_is(200);
ok scalar(grep { $_->{action} eq 'csat.answered' } @{ $agent->t->tx->res->json->{items} // [] }),
    'agents see the answers in the ticket\'s audit trail';

# the answer as it stands is in the ticket's timeline, for the agent and the requester
for my $who ([agent => $agent], [requester => $req]) {
    my ($name, $c) = @$who;
    $c->t->get_ok($s->url("/api/tickets/$t->{id}/timeline") => $c->h)->status_is(200);
    my @csat = grep { $_->{type} eq 'csat' } @{ $c->t->tx->res->json->{items} };
    is scalar(@csat), 1, "$name: one survey item in the timeline";
    is $csat[0]{score}, 'bad', "$name: the current score";
    is $csat[0]{comment}, undef, "$name: the current comment (none)";
    like $csat[0]{at}, qr/^\d{4}-/, "$name: when it was last answered";
}

# expired: 410 for reading and answering, nothing changes
$s->psql("update csat set expires_at = now() - interval '1 second' where ticket_id = '$t->{id}'");
$before = row();
$s->t->get_ok($url)->status_is(410)->header_like('Content-Type', qr{application/problem\+json})
    ->json_like('/detail', qr/expired/);
$s->t->post_ok($url => json => { score => 'good' })->status_is(410);
is row(), $before, 'an expired survey keeps its answer';

# a deleted ticket's survey is gone too
$s->psql("update csat set expires_at = now() + interval '1 day' where ticket_id = '$t->{id}'");
$s->t->get_ok($url)->status_is(200, 'valid again');
$s->psql("update tickets set deleted_at = now() where id = '$t->{id}'");
$s->t->get_ok($url)->status_is(404, 'a deleted ticket: 404');
$s->t->post_ok($url => json => { score => 'good' })->status_is(404);

# the token is a credential: the access log shows where it was, never what it was
open my $log, '<', $s->access_log_path or die "access log: $!";
my @lines = grep { m{/csat/} } <$log>;
ok scalar(@lines) >= 10, 'survey requests are logged';
is scalar(grep { /\Q$token\E/ } @lines), 0, 'without the token';
like $lines[0], qr{"uri":"/api/csat/-"}, 'in its place a dash';

done_testing;
