# An agent uploads a file to a ticket. The server decides its type from its bytes (not from the
# Content-Type the client sent), keeps a sanitized display name, stores the bytes once by their
# sha256, records the row with its audit event and outbox job, and serves it back byte for byte as
# a download: Content-Disposition attachment with an RFC 6266 filename*, nosniff, and a sandboxing
# CSP. Text that looks like HTML comes back as text/plain.
use strict;
use warnings;
use Test::More;
use Digest::SHA qw(sha256_hex);
use File::Find;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $agent = $s->login('agent@example.com');
my $t = $s->create_ticket($agent, title => 'Screen flickers');
my $png = "\x89PNG\r\n\x1a\n" . join('', map { chr($_ % 256) } 0 .. 70_000);
my $up = $s->url("/api/tickets/$t->{id}/attachments");

$agent->t->post_ok("$up?filename=" . Mojo::Util::url_escape(Mojo::Util::encode("UTF-8", "../../etc/r\x{e9}sum\x{e9} \"v2\".png"))
        => $agent->h('Content-Type' => 'text/html') => $png)
    ->status_is(201)->json_is('/mime', 'image/png', 'the type comes from the bytes')
    ->json_is('/bytes', length $png)->json_is('/sha256', sha256_hex($png))
    ->json_is('/filename', "r\x{e9}sum\x{e9} _v2_.png", 'the name is its last component, made safe')
    ->json_is('/ticket_id', $t->{id});
my $a = $agent->t->tx->res->json;

$agent->t->get_ok($s->url($a->{url}))->status_is(200)
    ->content_type_is('image/png')
    ->header_is('X-Content-Type-Options', 'nosniff')
    ->header_like('Content-Security-Policy', qr/^sandbox\b/)
    ->header_is('Content-Disposition',
        q{attachment; filename="r_sum_ _v2_.png"; filename*=UTF-8''r%C3%A9sum%C3%A9%20_v2_.png});
ok $agent->t->tx->res->body eq $png, 'the bytes come back unchanged';

my $key = substr(sha256_hex($png), 0, 2) . '/' . substr(sha256_hex($png), 2, 2) . '/' . sha256_hex($png);
ok -f $s->var . "/attachments/$key", 'stored under its sha256';

# the same bytes again: a second attachment, one stored file
$agent->t->post_ok("$up?filename=copy.png" => $agent->h => $png)->status_is(201);
my @files;
find(sub { push @files, $File::Find::name if -f }, $s->var . '/attachments');
is scalar(@files), 1, 'identical uploads are stored once';
is $s->psql("select count(*) from attachments where ticket_id = '$t->{id}'"), 2, 'but recorded twice';

# HTML is served as plain text, never rendered
my $html = '<html><body><script>alert(document.cookie)</script></body></html>';
$agent->t->post_ok("$up?filename=page.html" => $agent->h('Content-Type' => 'text/html') => $html)
    ->status_is(201)->json_is('/mime', 'text/plain');
$agent->t->get_ok($s->url($agent->t->tx->res->json->{url}))->status_is(200)
    ->content_type_is('text/plain; charset=utf-8')
    ->header_like('Content-Disposition', qr/^attachment;/)->content_is($html);

$agent->t->get_ok("$up")->status_is(200)->json_is('/items/0/id', $a->{id})
    ->json_is('/items/2/filename', 'page.html');
is scalar(@{ $agent->t->tx->res->json->{items} }), 3, 'the ticket lists its three attachments';

my $uid = $agent->user->{id};
is $s->audit_count('attachment.added', "entity_id = '$t->{id}' and actor_id = '$uid'"), 3,
    'each upload is an audit event by its uploader';
is $s->psql("select count(*) from jobs where kind = 'ticket.attachment_added'"
    . " and payload->>'ticket_id' = '$t->{id}'"), 3, 'and an outbox job';
my @tmp = glob($s->var . '/nginx/tmp/client_body/*');
is scalar(@tmp), 0, 'no temporary upload files are left behind';

done_testing;
