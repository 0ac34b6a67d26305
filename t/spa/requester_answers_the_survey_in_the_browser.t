# The satisfaction survey in a real browser (spa/e2e/csat_run.mjs): a ticket is resolved, the
# resolution mail's "good" link is opened signed out; the page answers with one click, names the
# ticket, lets the person switch to "bad" and leave a comment, and shows it all again after a
# reload. The database then holds exactly what the page said it saved, and the agent's ticket
# page shows the answer among the ticket's other activity (a field change, the mail).
use strict;
use warnings;
use Test::More;
use HD::Stack;

plan skip_all => 'browser flows run in the plain pass only' if HD::Stack::asan();

my $chromium = $ENV{HD_CHROMIUM} // '/usr/bin/chromium';
BAIL_OUT("$chromium is missing: run .ci/deps.sh") unless -x $chromium;
BAIL_OUT('spa/dist is missing: run make') unless -f "$HD::Stack::REPO/spa/dist/index.html";

my $s = HD::Stack->new(seed => 1, smtp => 1);
my $agent = $s->login('agent@example.com');
my $req = $s->login('requester@example.com');
my $t = $s->create_ticket($agent, title => 'Docking station dead', requester_id => $req->user->{id});
$agent->t->patch_ok($s->url("/api/tickets/$t->{id}") => $agent->h('If-Match' => qq{"$t->{version}"})
    => json => { priority => 'P2' })->status_is(200);
$t = $agent->t->tx->res->json;
$agent->t->patch_ok($s->url("/api/tickets/$t->{id}") => $agent->h('If-Match' => qq{"$t->{version}"})
    => json => { status => 'resolved' })->status_is(200);
my ($m) = $s->wait_mails(1);
my ($good) = ($m->{text} // '') =~ m{(\S+/csat/[A-Za-z0-9_-]{43}\?score=good)};
ok $good, 'the resolution mail has a good link' or BAIL_OUT('no survey link');

my ($n) = $t->{number} =~ /(\d+)/;
$s->browser_flows('e2e/csat_run.mjs', 4, $good, "TKT-$n", 'Docking station dead');

like $s->psql("select concat_ws('|', score, comment) from csat where ticket_id = '$t->{id}'"),
    qr/^bad\|The printer came back, but only after three days \(\d+\)\.$/,
    'stored: the switched score and the comment';
is $s->audit_count('csat.answered', "entity_id = '$t->{id}'"), 3,
    'three changes audited: good, bad, the comment';

done_testing;
