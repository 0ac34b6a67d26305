# Every API endpoint, called by each of the five roles, answers as the RBAC matrix (core/RBAC.md)
# says. Requests are built so that being allowed shows without changing anything where possible:
# a PATCH with a stale If-Match is 409 when allowed, an invalid body 400; a refusal is 403, or
# 404 where the caller may not even know the thing exists (a requester and other people's
# accounts, and anyone else's personal saved reply). The ticket is a requester's, in the agent's and
# team lead's team.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my @roles = qw(requester agent lead manager admin);
my %c = map { $_ => $s->login("$_\@example.com") } @roles;
my $t = $s->create_ticket($c{requester}, title => 'Matrix');
$s->psql("update tickets set team_id = (select id from teams where name = 'Service Desk') where id = '$t->{id}'");
$c{agent}->t->post_ok($s->url("/api/tickets/$t->{id}/attachments?filename=a.txt") => $c{agent}->h => 'x')
    ->status_is(201);
my $att = $c{agent}->t->tx->res->json->{id};
my $other = $s->user_id('requester2@example.com');
my $team = $s->psql('select id from teams order by name limit 1');
my $region = $s->psql('select id from regions order by name limit 1');
my $tk = $t->{id};
my $shared = $s->psql("select id from saved_replies where title = 'Acknowledge' and owner_id is null");
my $calendar = $s->psql("select id from calendars where name = '24x7'");
my $policy = $s->psql("select id from sla_policies where name = 'P3 Normal'");
my $private = $s->create_saved_reply($s->login('agent2@example.com'), title => 'Private', body_md => 'x')->{id};

#   method  path                               body         headers               requester agent lead manager admin
my @matrix = (
    [ GET   => '/api/me',                      undef, undef,                          200, 200, 200, 200, 200 ],
    [ GET   => '/api/me/tokens',               undef, undef,                          200, 200, 200, 200, 200 ],
    [ GET   => '/api/teams',                   undef, undef,                          403, 200, 200, 200, 200 ],
    [ GET   => '/api/regions',                 undef, undef,                          403, 200, 200, 200, 200 ],
    [ GET   => '/api/users',                   undef, undef,                          404, 200, 200, 200, 200 ],
    [ POST  => '/api/users',                   {},    undef,                          404, 403, 403, 403, 400 ],
    [ PATCH => "/api/users/$other",            {},    undef,                          404, 403, 403, 403, 200 ],
    [ POST  => '/api/teams',                   {},    undef,                          403, 403, 403, 400, 400 ],
    [ PATCH => "/api/teams/$team",             {},    undef,                          403, 403, 403, 200, 200 ],
    [ POST  => '/api/regions',                 {},    undef,                          403, 403, 403, 403, 400 ],
    [ PATCH => "/api/regions/$region",         {},    undef,                          403, 403, 403, 403, 200 ],
    [ POST  => '/api/tickets',                 {},    undef,                          400, 400, 400, 400, 400 ],
    [ GET   => '/api/tickets',                 undef, undef,                          200, 200, 200, 200, 200 ],
    [ GET   => "/api/tickets/$tk",             undef, undef,                          200, 200, 200, 200, 200 ],
    [ PATCH => "/api/tickets/$tk",             { title => 'x' }, { 'If-Match' => '"999"' },
                                                                                      403, 409, 409, 409, 409 ],
    [ POST  => "/api/tickets/$tk/comments",    {},    undef,                          400, 400, 400, 400, 400 ],
    [ GET   => "/api/tickets/$tk/timeline",    undef, undef,                          200, 200, 200, 200, 200 ],
    [ GET   => "/api/tickets/$tk/audit",       undef, undef,                          403, 200, 200, 200, 200 ],
    [ GET   => '/api/workflow',                undef, undef,                          200, 200, 200, 200, 200 ],
    [ PUT   => '/api/workflow',                {},    undef,                          403, 403, 403, 403, 400 ],
    [ GET   => "/api/tickets/$tk/watchers",    undef, undef,                          200, 200, 200, 200, 200 ],
    [ POST  => "/api/tickets/$tk/watchers",    {},    undef,                          400, 400, 400, 400, 400 ],
    [ GET   => "/api/tickets/$tk/attachments", undef, undef,                          200, 200, 200, 200, 200 ],
    [ GET   => "/api/attachments/$att",        undef, undef,                          200, 200, 200, 200, 200 ],
    [ GET   => '/api/saved-replies',           undef, undef,                          403, 200, 200, 200, 200 ],
    [ POST  => '/api/saved-replies',           {},    undef,                          403, 400, 400, 400, 400 ],
    [ PATCH => "/api/saved-replies/$shared",   { title => 'x' }, { 'If-Match' => '"999"' },
                                                                                      403, 403, 409, 409, 409 ],
    [ DELETE => "/api/saved-replies/$private", undef, undef,                          403, 404, 404, 404, 404 ],
    [ POST  => "/api/tickets/$tk/saved-replies/$shared/render", undef, undef,         403, 200, 200, 200, 200 ],
    [ GET   => '/api/admin/email/quarantine',  undef, undef,                          403, 403, 403, 403, 200 ],
    [ POST  => "/api/admin/email/quarantine/$tk/retry", undef, undef,                 403, 403, 403, 403, 404 ],
    [ GET   => '/api/admin/mailboxes',         undef, undef,                          403, 403, 403, 403, 200 ],
    [ POST  => '/api/admin/mailboxes',         {},    undef,                          403, 403, 403, 403, 400 ],
    [ PATCH => "/api/admin/mailboxes/$tk",     { name => 'x' }, { 'If-Match' => '"1"' },
                                                                                      403, 403, 403, 403, 404 ],
    [ DELETE => "/api/admin/mailboxes/$tk",    undef, undef,                          403, 403, 403, 403, 404 ],
    [ GET   => '/api/custom-fields',           undef, undef,                          200, 200, 200, 200, 200 ],
    [ GET   => '/api/admin/custom-fields',     undef, undef,                          403, 403, 403, 403, 200 ],
    [ POST  => '/api/admin/custom-fields',     {},    undef,                          403, 403, 403, 403, 400 ],
    [ PATCH => "/api/admin/custom-fields/$tk", { label => 'x' }, { 'If-Match' => '"1"' },
                                                                                      403, 403, 403, 403, 404 ],
    [ DELETE => "/api/admin/custom-fields/$tk", undef, undef,                         403, 403, 403, 403, 404 ],
    [ GET   => '/api/branding',                undef, undef,                          200, 200, 200, 200, 200 ],
    [ PATCH => '/api/admin/branding',          {},    { 'If-Match' => '"999"' },      403, 403, 403, 403, 409 ],
    [ GET   => '/api/csat/' . ('A' x 43),      undef, undef,                          404, 404, 404, 404, 404 ],
    [ POST  => '/api/csat/' . ('A' x 43),      { score => 'good' }, undef,            404, 404, 404, 404, 404 ],
);

my $tickets_now = sub { $s->psql(q{select md5(concat_ws('#', (select string_agg(t::text, ';' order by id) from tickets t),
    (select string_agg(c::text, ';' order by id) from ticket_comments c),
    (select count(*) from attachments)))}) };
my $before = $tickets_now->();
for my $row (@matrix) {
    my ($method, $path, $body, $headers, @want) = @$row;
    for my $i (0 .. $#roles) {
        my $cl = $c{ $roles[$i] };
        my $tx = $cl->ua->build_tx($method => $s->url($path) => $cl->h(%{ $headers // {} })
            => (defined $body ? (json => $body) : ()));
        $cl->ua->start($tx);
        my $name = "$roles[$i]: $method " . ($path =~ s/[0-9a-f]{8}-[0-9a-f-]{27}/{id}/gr);
        is $tx->res->code, $want[$i], $name or diag $tx->res->body;
        like $tx->res->headers->content_type // '', qr{^application/problem\+json}, "$name: problem+json"
            if $want[$i] >= 400;
    }
}
is $tickets_now->(), $before, 'no ticket, comment or attachment changed along the way';
is $s->psql('select count(*) from saved_replies'), 3, 'no saved reply created or deleted';

done_testing;
