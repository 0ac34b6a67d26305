# A ticket title or a display name holding CR/LF (and non-ASCII text) never produces a header
# of its own: the subject and names come out on one header line (RFC 2047 encoded when not
# ASCII) and the message goes to its one recipient only.
use strict;
use warnings;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new(seed => 1, smtp => 1);
my $agent = $s->login('agent@example.com');
my $rid = $s->user_id('requester@example.com');
$s->psql("update users set display_name = E'Riley\\r\\nBcc: victim2\@evil.test' where id = '$rid'");

$s->create_ticket($agent, title => "Printer\r\nBcc: victim\@evil.test\r\n\r\nX-Evil: 1", source => 'email',
    requester_id => $rid);
$s->create_ticket($agent, title => "Drucker br\x{e4}nnt\r\nCc: victim3\@evil.test", source => 'email',
    requester_id => $rid);

my @m = $s->wait_mails(2);
is scalar @m, 2, 'two acknowledgements';
# the two may arrive in either order: the ASCII title first
@m = sort { ($a->{header}{subject}[0] =~ /Printer/ ? 0 : 1) <=> ($b->{header}{subject}[0] =~ /Printer/ ? 0 : 1) } @m;
for my $m (@m) {
    is $m->{to}, 'requester@example.com', "$m->{file}: one envelope recipient";
    unlike $m->{raw_header}, qr/^(?:Bcc|Cc|X-Evil):/mi, "$m->{file}: no injected header";
    is scalar @{ $m->{header}{subject} }, 1, "$m->{file}: one Subject";
    is scalar @{ $m->{header}{to} }, 1, "$m->{file}: one To";
    like $m->{header}{to}[0], qr/^"Riley  Bcc: victim2\@evil\.test" <requester\@example\.com>$/,
        "$m->{file}: the name stays inside To";
}
like $m[0]{header}{subject}[0], qr/^\[#TKT-\d+\] Received: Printer  Bcc: victim\@evil\.test    X-Evil: 1$/,
    'the ASCII subject stays on its line';
like $m[1]{raw_header}, qr/^Subject: =\?UTF-8\?B\?/m, 'the non-ASCII subject is encoded';
is $m[1]{header}{subject}[0], "[#TKT-" . ($m[1]{header}{subject}[0] =~ /TKT-(\d+)/)[0]
    . "] Received: Drucker br\x{e4}nnt  Cc: victim3\@evil.test", 'and decodes to the title on one line';

done_testing;
