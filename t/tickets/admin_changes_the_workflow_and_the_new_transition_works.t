# The workflow is data: an admin adds a status and a transition through PUT /api/workflow, and
# tickets can take the new path at once; the change is audited. Others may read the workflow but
# not change it, and a status that tickets use cannot be removed.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $admin = $s->login('admin@example.com');
my $lead = $s->login('lead@example.com');
my $r = $s->login('requester@example.com');

$r->t->get_ok($s->url('/api/workflow'))->status_is(200, 'everyone reads the workflow')
    ->json_is('/statuses/0/key', 'new')->json_is('/statuses/0/label', 'New');
my $wf = $r->t->tx->res->json;
ok scalar(grep { $_->{from} eq 'resolved' && $_->{to} eq 'in_progress' } @{ $wf->{transitions} }),
    'reopen is a transition';

my $t = $s->create_ticket($lead, title => 'Needs a vendor', requester_id => $r->user->{id});
my $url = $s->url("/api/tickets/$t->{id}");
$lead->t->patch_ok($url => $lead->h('If-Match' => '"1"') => json => { status => 'awaiting_vendor' })
    ->status_is(422, 'no such status yet');

my %new = (
    statuses => [@{ $wf->{statuses} }, { key => 'awaiting_vendor', label => 'Pending: Awaiting Vendor',
        category => 'paused', sort_order => 64 }],
    transitions => [@{ $wf->{transitions} }, { from => 'new', to => 'awaiting_vendor' },
        { from => 'awaiting_vendor', to => 'in_progress' }],
);
my $before = $s->tickets_fingerprint;
$lead->t->put_ok($s->url('/api/workflow') => $lead->h => json => \%new)->status_is(403, 'a team lead may not');
$r->t->put_ok($s->url('/api/workflow') => $r->h => json => \%new)->status_is(403, 'nor a requester');
$admin->t->put_ok($s->url('/api/workflow') => $admin->h => json => { %new, statuses => [{ key => 'new' }] })
    ->status_is(400, 'a malformed status');
$admin->t->put_ok($s->url('/api/workflow') => $admin->h => json => { %new,
    transitions => [{ from => 'new', to => 'nowhere' }] })->status_is(422, 'a transition to an unknown status');
$admin->t->put_ok($s->url('/api/workflow') => $admin->h => json => { %new,
    statuses => [grep { $_->{key} ne 'new' } @{ $new{statuses} }] })->status_is(422, '"new" must stay');
$admin->t->put_ok($s->url('/api/workflow') => $admin->h => json => { %new, colour => 'blue' })->status_is(400);
is $s->tickets_fingerprint, $before, 'refusals change nothing';

$admin->t->put_ok($s->url('/api/workflow') => $admin->h => json => \%new)->status_is(200)
    ->json_is('/statuses/9/key', 'awaiting_vendor', 'statuses in sort order')
    ->json_is('/statuses/11/key', 'closed');
is $s->audit_count('workflow.updated', "actor_id = '" . $admin->user->{id} . "'"), 1, 'the change is audited';

$lead->t->patch_ok($url => $lead->h('If-Match' => '"1"') => json => { status => 'awaiting_vendor', note => 'RMA' })
    ->status_is(200, 'the new transition works')->json_is('/status', 'awaiting_vendor');
$lead->t->patch_ok($url => $lead->h('If-Match' => '"2"') => json => { status => 'resolved' })
    ->status_is(422)->json_is('/allowed', ['in_progress']);

# removing a status in use, and a transition
$admin->t->put_ok($s->url('/api/workflow') => $admin->h => json => $wf)
    ->status_is(422, 'a status tickets use cannot be removed')->json_like('/detail', qr/awaiting_vendor/);
my @fewer = grep { !($_->{from} eq 'awaiting_vendor') } @{ $new{transitions} };
$admin->t->put_ok($s->url('/api/workflow') => $admin->h => json => { %new, transitions => \@fewer })->status_is(200);
$lead->t->patch_ok($url => $lead->h('If-Match' => '"2"') => json => { status => 'in_progress' })
    ->status_is(422, 'a removed transition no longer works')->json_is('/allowed', []);

done_testing;
