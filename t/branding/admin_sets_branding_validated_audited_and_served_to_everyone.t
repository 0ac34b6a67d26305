# Branding (GET /api/branding, GET /api/branding/logo, PATCH /api/admin/branding): anyone, signed
# in or not, reads the organisation's name, colours and logo URL; only an admin changes them,
# under If-Match (428 without, 409 stale, nothing changed); each bad field is 400 naming it and
# nothing is stored or audited; a change is one audit event with before and after. The logo's
# type is judged from its bytes (PNG, JPEG, SVG; anything else, or over 256 KB, is refused), and
# it is served with that type, nosniff, and for SVG a script-forbidding CSP as an attachment.
use strict;
use warnings;
use Test::More;
use MIME::Base64 qw(encode_base64);
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $admin = $s->login('admin@example.com');
my $url = $s->url('/api/admin/branding');
my $png = "\x89PNG\r\n\x1a\n" . ("\0" x 24);
my $svg = qq{<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8" fill="#123456"/></svg>};
sub data_url { my ($type, $bytes) = @_; "data:$type;base64," . encode_base64($bytes, '') }
sub row { $s->psql("select concat_ws('|', org_name, primary_color, accent_color, md5(logo), logo_type, version) from branding") }

# the defaults, for anyone
$s->t->get_ok($s->url('/api/branding'))->status_is(200, 'signed out: readable')
    ->json_is('/org_name', 'Helpdesk')->json_is('/primary_color', '#1d4ed8')
    ->json_is('/accent_color', '#0d9488')->json_is('/logo_url', undef)->json_is('/version', 1);
$s->t->get_ok($s->url('/api/branding/logo'))->status_is(404, 'no logo yet')
    ->header_like('Content-Type', qr{application/problem\+json});

# only admins, and only under If-Match
for my $who (qw(requester agent lead manager)) {
    my $c = $s->login("$who\@example.com");
    $c->t->patch_ok($url => $c->h('If-Match' => '"1"') => json => { org_name => 'Mine' })
        ->status_is(403, "$who: 403");
}
$s->t->patch_ok($url => json => { org_name => 'Mine' })->status_is(401, 'signed out: 401');
my $before = row();
$admin->t->patch_ok($url => $admin->h => json => { org_name => 'Acme' })->status_is(428, 'no If-Match: 428');
$admin->t->patch_ok($url => $admin->h('If-Match' => '"7"') => json => { org_name => 'Acme' })
    ->status_is(409, 'stale: 409')->json_is('/current_version', 1);
is row(), $before, 'nothing changed';

# bad bodies: 400 naming the field, nothing stored or audited
my @bad = (
    [ org_name => { org_name => '' } ],
    [ org_name => { org_name => '   ' } ],
    [ org_name => { org_name => 'x' x 101 } ],
    [ org_name => { org_name => "Acme\nInc" } ],
    [ org_name => { org_name => 42 } ],
    [ primary_color => { primary_color => 'blue' } ],
    [ primary_color => { primary_color => '#12345' } ],
    [ primary_color => { primary_color => '#12345g' } ],
    [ accent_color => { accent_color => 'rgb(1,2,3)' } ],
    [ logo => { logo => 'not a data url' } ],
    [ logo => { logo => data_url('image/png', 'GIF89a' . ("\0" x 10)) } ],
    [ logo => { logo => data_url('image/svg+xml', '<html><script>alert(1)</script></html>') } ],
    [ logo => { logo => data_url('image/png', $png . ("\0" x 262144)) } ],
    [ logo => { logo => 'data:image/png;base64,!!!!' } ],
    [ logo => { logo => 17 } ],
    [ version => { version => 3 } ],
    [ accent_color => { org_name => 'Acme', accent_color => 'teal' } ],
);
for my $b (@bad) {
    my ($field, $body) = @$b;
    $admin->t->patch_ok($url => $admin->h('If-Match' => '"1"') => json => $body)
        ->status_is(400, "bad $field: 400")
        ->header_like('Content-Type', qr{application/problem\+json})
        ->json_is('/errors/0/field', $field, "the error names $field");
}
is row(), $before, 'no bad body stored anything';
is $s->audit_count('branding.updated'), 0, 'nor audited anything';

# a good change, read back by everyone
my $name = "Acme IT \x{e9}quipe";
$admin->t->patch_ok($url => $admin->h('If-Match' => '"1"') => json => {
    org_name => $name, primary_color => '#7C3AED', accent_color => '#b45309',
    logo => data_url('image/jpeg', $png) })->status_is(200)
    ->json_is('/org_name', $name)->json_is('/primary_color', '#7c3aed')->json_is('/version', 2)
    ->json_is('/logo_type', 'image/png', 'the type comes from the bytes, not the claim')
    ->json_is('/logo_url', '/api/branding/logo?v=2');
is $s->audit_count('branding.updated'), 1, 'audited once';
is $s->audit_count('branding.updated', q{diff_json->'before'->>'org_name' = 'Helpdesk'
    and diff_json->'after'->>'primary_color' = '#7c3aed' and diff_json->'after'->'logo'->>'type' = 'image/png'
    and actor_id = (select id from users where email = 'admin@example.com')}), 1,
    'with the admin, before and after, and the logo by type and digest';

my $r = $s->login('requester@example.com');
$r->t->get_ok($s->url('/api/branding'))->status_is(200)->json_is('/org_name', $name);
$s->t->get_ok($s->url('/api/branding/logo?v=2'))->status_is(200)
    ->header_is('Content-Type', 'image/png')->header_is('X-Content-Type-Options', 'nosniff')
    ->header_like('Content-Security-Policy', qr/default-src 'none'/);
is $s->t->tx->res->body, $png, 'the logo is served byte for byte';

# a partial change keeps the rest; an SVG is served so it cannot script
$admin->t->patch_ok($url => $admin->h('If-Match' => '"2"') => json => { logo => data_url('image/svg+xml', $svg) })
    ->status_is(200)->json_is('/org_name', $name)->json_is('/logo_type', 'image/svg+xml');
$s->t->get_ok($s->url('/api/branding/logo'))->status_is(200)
    ->header_is('Content-Type', 'image/svg+xml')->header_is('X-Content-Type-Options', 'nosniff')
    ->header_like('Content-Security-Policy', qr/^default-src 'none'; style-src 'unsafe-inline'/)
    ->header_like('Content-Disposition', qr/^attachment/);
is $s->t->tx->res->body, $svg, 'the SVG byte for byte';

# null removes the logo
$admin->t->patch_ok($url => $admin->h('If-Match' => '"3"') => json => { logo => undef })
    ->status_is(200)->json_is('/logo_url', undef)->json_is('/version', 4);
$s->t->get_ok($s->url('/api/branding/logo'))->status_is(404, 'removed');
is $s->audit_count('branding.updated'), 3, 'every change audited';

done_testing;
