# Uploads that cannot be accepted get a problem+json answer and leave no row, no audit event and
# no stored file: no filename, an unknown ticket, a file one byte over the size limit (413 from
# nginx itself, before anything is stored). A file of exactly the limit, and an empty file, are
# accepted.
use strict;
use warnings;
use Test::More;
use File::Find;
use HD::Stack;

my $s = HD::Stack->new(seed => 1, env => { HD_ATTACH_MAX => '64k' });
my $agent = $s->login('agent@example.com');
my $t = $s->create_ticket($agent, title => 'Laptop');
my $up = $s->url("/api/tickets/$t->{id}/attachments");

sub state_now {
    my @files;
    find(sub { push @files, $File::Find::name if -f }, $s->var . '/attachments');
    return join '/', scalar(@files), $s->psql('select count(*) from attachments'),
        $s->psql('select count(*) from audit_events'), $s->psql('select count(*) from jobs');
}
my $before = state_now();

$agent->t->post_ok($up => $agent->h => 'data')->status_is(400)->json_is('/errors/0/field', 'filename')
    ->header_like('Content-Type', qr{application/problem\+json});
$agent->t->post_ok($s->url('/api/tickets/TKT-999999/attachments?filename=a.txt') => $agent->h => 'x')
    ->status_is(404);
$agent->t->post_ok("$up?filename=big.bin" => $agent->h => 'x' x (64 * 1024 + 1))->status_is(413,
    'one byte over the limit: 413')->header_like('Content-Type', qr{application/problem\+json});
is state_now(), $before, 'refused uploads changed nothing';

$agent->t->post_ok("$up?filename=limit.bin" => $agent->h => 'y' x (64 * 1024))->status_is(201,
    'exactly the limit is accepted')->json_is('/bytes', 64 * 1024);
$agent->t->post_ok("$up?filename=empty.txt" => $agent->h => '')->status_is(201, 'so is an empty file')
    ->json_is('/bytes', 0)->json_is('/sha256',
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
$agent->t->get_ok($s->url($agent->t->tx->res->json->{url}))->status_is(200)->content_is('')
    ->header_is('Content-Length', 0);

my ($files, $rows, $audit, $jobs) = split m{/}, state_now();
my ($f0, $r0, $a0, $j0) = split m{/}, $before;
is_deeply [ $files - $f0, $rows - $r0, $audit - $a0, $jobs - $j0 ], [ 2, 2, 2, 2 ],
    'only the two accepted uploads left files, rows, audit events and jobs';
my @tmp = glob($s->var . '/nginx/tmp/client_body/*');
is scalar(@tmp), 0, 'no temporary files remain';

done_testing;
