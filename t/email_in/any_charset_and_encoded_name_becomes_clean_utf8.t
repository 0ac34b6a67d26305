# Text in any charset — declared right, declared wrong, or not one we know — becomes UTF-8 without
# failing; RFC 2047 subjects and RFC 2047/2231 file names are decoded; a malformed multipart
# boundary still makes a ticket; an HTML-only mail is stored as text without its script.
use strict;
use warnings;
use utf8;
use Encode qw(encode decode);
use MIME::Base64 qw(encode_base64);
use Test::More;
use HD::Stack;
use HD::Dovecot;

binmode Test::More->builder->$_, ":encoding(UTF-8)" for qw(output failure_output todo_output);

my $imap = HD::Dovecot->new;
my $s = HD::Stack->new(imap => $imap);

my @mails = (
    [ 'jp', 'iso-2022-jp', encode('iso-2022-jp', "こんにちは、プリンターが壊れました") ],
    [ 'vi', 'windows-1258', encode('cp1258', "Xin chào, máy in đâu") ],
    [ 'bad', 'not-supported', "caf\xe9 cr\xe8me" ],
    [ 'bad8', 'not-supported', encode('UTF-8', "déjà vu") ],
    [ 'lie', 'us-ascii', "na\xefve" ],
);
for my $m (@mails) {
    my ($tag, $cs, $bytes) = @$m;
    $imap->append("From: $tag\@example.com\nSubject: charset $tag\nMessage-ID: <$tag\@example.com>\n"
        . "MIME-Version: 1.0\nContent-Type: text/plain; charset=\"$cs\"\n"
        . "Content-Transfer-Encoding: 8bit\n\n$bytes\n");
}

$imap->append(<<'MAIL');
From: names@example.com
Subject: =?ISO-8859-1?Q?Caf=E9_au_lait?= =?UTF-8?B?4pyT?=
Message-ID: <names@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

See the files.
--b1
Content-Type: application/pdf
Content-Disposition: attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--b1
Content-Type: text/plain; name="=?UTF-8?B?0L7RgtGH0ZHRgi50eHQ=?="
Content-Disposition: attachment; filename="=?UTF-8?B?0L7RgtGH0ZHRgi50eHQ=?="

report
--b1--
MAIL

$imap->append(<<'MAIL');
From: broken@example.com
Subject: broken boundary
Message-ID: <broken@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="declared"

--actual
Content-Type: text/plain

The boundary does not match.
--actual--
MAIL

$imap->append(<<'MAIL');
From: html@example.com
Subject: html only
Message-ID: <html@example.com>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><head><style>p{color:red}</style></head><body><script>alert('x')</script>
<p>Hello <b>there</b> &amp; welcome</p><img src=x onerror=alert(1)></body></html>
MAIL

is $s->wait_inbound(8), 8, 'every mail is in';
is $s->psql("select count(*) from email_inbound where status = 'processed'"), 8, 'none quarantined';

sub desc {
    my ($mid) = @_;
    return decode('UTF-8', $s->psql("select t.description from email_inbound i join tickets t"
        . " on t.id = i.ticket_id where i.message_id = '$mid'"));
}
like desc('jp@example.com'), qr/こんにちは、プリンターが壊れました/, 'ISO-2022-JP';
like desc('vi@example.com'), qr/Xin chào, máy in đâu/, 'Windows-1258';
like desc('bad@example.com'), qr/café crème/, 'unknown charset, Latin bytes: read as Windows-1252';
like desc('bad8@example.com'), qr/déjà vu/, 'unknown charset, UTF-8 bytes: read as UTF-8';
like desc('lie@example.com'), qr/naïve/, 'mislabelled as ASCII: still read';

is decode('UTF-8', $s->psql("select title from tickets t join email_inbound i on i.ticket_id = t.id"
    . " where i.message_id = 'names\@example.com'")), "Café au lait✓", 'RFC 2047 subject';
is decode('UTF-8', $s->psql("select string_agg(filename, ',' order by filename) from attachments")),
    'résumé.pdf,отчёт.txt', 'RFC 2231 and RFC 2047 file names';
my $key = $s->psql("select object_key from attachments where filename like 'r%'");
ok -f $s->var . "/attachments/$key", 'the attachment is in the store';
is HD::Stack::slurp($s->var . "/attachments/$key"), "%PDF-1.4\n", 'with its decoded bytes';

like desc('broken@example.com'), qr/The boundary does not match/, 'malformed boundary: text kept';

my $html = desc('html@example.com');
like $html, qr/Hello there & welcome/, 'HTML-only mail becomes text';
unlike $html, qr/alert|<script|<p>|color:red|onerror/, 'no script, style or markup in the stored text';

my $raw = $s->psql("select raw_store_key from email_inbound where message_id = 'html\@example.com'");
like HD::Stack::slurp($s->var . "/attachments/$raw"), qr/<script>alert/, 'the raw message is kept as it came';

done_testing;
