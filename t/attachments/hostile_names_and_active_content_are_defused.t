# Names and contents meant to trick a browser or a file system: path traversal, an encoded NUL,
# CR/LF (header injection), the right-to-left override ("invoice<RLO>fdp.exe" shows as
# "invoiceexe.pdf"); HTML and SVG uploads. Every name is stored made safe, every download header
# stays one well-formed line, and active content is never served inline or as markup.
use strict;
use warnings;
use Test::More;
use Mojo::Util qw(encode url_escape);
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $agent = $s->login('agent@example.com');
my $t = $s->create_ticket($agent, title => 'Phishing report');
my $up = $s->url("/api/tickets/$t->{id}/attachments");

my %names = (
    "../../../etc/passwd"            => 'passwd',
    "..\\..\\boot.ini"               => 'boot.ini',
    "evil\0.txt"                     => 'evil_.txt',
    "a\r\nSet-Cookie: x=1.txt"       => 'a__Set-Cookie: x=1.txt',
    "invoice\x{202E}fdp.exe"         => 'invoice_fdp.exe',
    "\x{2066}hidden\x{2069}.pdf"     => '_hidden_.pdf',
    "..."                            => 'attachment',
);
for my $raw (sort keys %names) {
    my $q = url_escape(encode('UTF-8', $raw));
    $agent->t->post_ok("$up?filename=$q" => $agent->h => 'content')->status_is(201)
        ->json_is('/filename', $names{$raw}, "stored name for " . ($raw =~ s/[^\x20-\x7e]/?/gr));
    $agent->t->get_ok($s->url($agent->t->tx->res->json->{url}))->status_is(200)
        ->header_like('Content-Disposition', qr/^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[A-Za-z0-9!#\$&+\-.^_`|~%]+$/,
            'one well-formed Content-Disposition line');
    ok !defined $agent->t->tx->res->headers->header('Set-Cookie'), 'no header was injected';
}

my $svg = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>';
for my $f ([ 'drawing.svg', $svg ], [ 'page.html', '<!doctype html><script>alert(3)</script>' ]) {
    $agent->t->post_ok("$up?filename=$f->[0]" => $agent->h('Content-Type' => 'image/svg+xml') => $f->[1])
        ->status_is(201)->json_is('/mime', 'text/plain', "$f->[0] is recorded as text");
    $agent->t->get_ok($s->url($agent->t->tx->res->json->{url}))->status_is(200)
        ->content_type_is('text/plain; charset=utf-8', "$f->[0] is served as plain text")
        ->header_like('Content-Disposition', qr/^attachment;/, 'as a download, never inline')
        ->header_is('X-Content-Type-Options', 'nosniff')
        ->header_is('Content-Security-Policy', "sandbox; default-src 'none'")
        ->content_is($f->[1]);
}

done_testing;
