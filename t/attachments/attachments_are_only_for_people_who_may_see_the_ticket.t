# A requester can upload to and download from their own ticket; another requester gets 404 for
# the same file and list, exactly as for one that does not exist, and cannot upload to the
# ticket; nobody reaches the store's internal location directly; and nothing changes on refusal.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $r1 = $s->login('requester@example.com');
my $r2 = $s->login('requester2@example.com');
my $t = $s->create_ticket($r1, title => 'VPN drops');
my $up = $s->url("/api/tickets/$t->{id}/attachments");

$r1->t->post_ok("$up?filename=log.txt" => $r1->h => "connect failed\n")->status_is(201);
my $a = $r1->t->tx->res->json;
$r1->t->get_ok($s->url($a->{url}))->status_is(200)->content_is("connect failed\n");
$r1->t->get_ok($up)->status_is(200)->json_is('/items/0/id', $a->{id});

my $before = $s->psql('select count(*) from attachments') . '/' . $s->psql('select count(*) from audit_events');
$r2->t->get_ok($s->url($a->{url}))->status_is(404, 'another requester: 404 for the file')
    ->header_like('Content-Type', qr{application/problem\+json});
my $missing = $r2->t->tx->res->json;
$r2->t->get_ok($s->url('/api/attachments/01a21bde-0000-7000-8000-000000000000'))->status_is(404);
is_deeply [ @{ $r2->t->tx->res->json }{qw(type title status)} ], [ @$missing{qw(type title status)} ],
    'indistinguishable from a file that does not exist';
$r2->t->get_ok($up)->status_is(404, 'and for the list');
$r2->t->post_ok("$up?filename=x.txt" => $r2->h => "sneaky")->status_is(404, 'and cannot upload');
$s->t->get_ok($s->url($a->{url}))->status_is(401, 'no credential: 401');
$s->t->get_ok($s->url('/api/attachments/not-a-uuid') => $s->bearer('hd_pat_x'))->status_is(401);

my $key = $s->psql("select object_key from attachments where id = '$a->{id}'");
$s->t->get_ok($s->url("/_attachments/$key"))->status_is(404, 'the store is not reachable directly');
$r1->t->get_ok($s->url("/_attachments/$key"))->status_is(404, 'not even for the owner');

is $s->psql('select count(*) from attachments') . '/' . $s->psql('select count(*) from audit_events'),
    $before, 'refusals change nothing';

done_testing;
