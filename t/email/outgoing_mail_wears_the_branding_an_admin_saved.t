# Outgoing mail and the organisation's branding: until an admin saves branding
# (PATCH /api/admin/branding), mail shows the worker's org_name and org_color (the stack's
# HD_ORG_NAME, "Acme IT"); once saved, the From display name, the HTML band and the text
# signature show the admin's name and primary colour. A name with a quote and a non-ASCII
# letter stays one quoted, encoded display name: no header can be forged through it.
use strict;
use warnings;
use utf8;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1, smtp => 1);
my $agent = $s->login('agent@example.com');
my $admin = $s->login('admin@example.com');
my $req = $s->login('requester@example.com');

sub ack_for {
    my ($title, $count) = @_;
    my $t = $s->create_ticket($agent, title => $title, source => 'email',
        requester_id => $req->user->{id});
    my @m = $s->wait_mails($count);
    is scalar @m, $count, "$title: acknowledged";
    my ($ack) = grep { ($_->{header}{subject}[0] // '') =~ /\Q$title\E/ } @m;
    ok $ack, "$title: the acknowledgement names the ticket" or return {};
    return $ack;
}

# before any admin change: the worker's configuration
my $ack = ack_for('Laptop will not boot', 1);
like $ack->{header}{from}[0], qr/^"Acme IT" <helpdesk\@helpdesk\.test>$/,
    'From: the configured organisation';
like $ack->{html}, qr/background:#[0-9a-f]{6};color:#ffffff/i, 'a coloured band';
unlike $ack->{html}, qr/#aa3300/i, 'not yet the admin colour';
like $ack->{text}, qr/^Acme IT - TKT-\d+$/m, 'text signature: the configured name';

# an admin brands the helpdesk
my $name = 'Globex "Service" Désk';
$admin->t->patch_ok($s->url('/api/admin/branding') => $admin->h('If-Match' => '"1"')
    => json => { org_name => $name, primary_color => '#AA3300' })->status_is(200)
    ->json_is('/version', 2);

$ack = ack_for('Printer offline', 2);
my $from = $ack->{header}{from}[0] // '';
like $from, qr/<helpdesk\@helpdesk\.test>$/, 'From: still the helpdesk address';
like $from, qr/Globex \\?"Service\\?" Désk/, 'From: the branded name, decoded';
unlike $from, qr/Acme IT/, 'From: not the configured name';
is scalar(@{ $ack->{header}{from} }), 1, 'exactly one From header';
unlike $ack->{raw_header}, qr/^From:[^\n]*[^\x00-\x7f]/m, 'From travels encoded (7-bit)';
like $ack->{html}, qr/background:#aa3300;color:#ffffff/, 'the band in the admin colour';
like $ack->{html}, qr/Globex &quot;Service&quot; Désk|Globex &#34;Service&#34; Désk/,
    'the name HTML-escaped in the HTML part';
like $ack->{text}, qr/^Globex "Service" Désk - TKT-\d+$/m, 'text signature: the branded name';

done_testing;
