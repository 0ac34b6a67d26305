# Attachments, inline images, a forwarded message (message/rfc822) and winmail.dat are stored in
# the attachment store and listed on the ticket; one over the size limit is skipped with a note in
# the text, while the raw message (which holds it) is kept.
use strict;
use warnings;
use MIME::Base64 qw(encode_base64);
use Test::More;
use HD::Stack;
use HD::Dovecot;

my $imap = HD::Dovecot->new;
my $s = HD::Stack->new(imap => $imap, env => { HD_MAIL_IN_MAX_ATTACHMENT => 4096 });

my $big = encode_base64('x' x 10_000);
my $png = encode_base64("\x89PNG\r\n\x1a\n" . ("\0" x 32));
my $tnef = encode_base64("\x78\x9f\x3e\x22" . ('t' x 100));
$imap->append(<<"MAIL");
From: Bob <bob\@example.com>
Subject: files
Message-ID: <files\@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/related; boundary="rel"

--rel
Content-Type: text/html; charset=utf-8

<p>See <img src="cid:logo\@x"> and the files.</p>
--rel
Content-Type: image/png
Content-ID: <logo\@x>
Content-Transfer-Encoding: base64

$png
--rel--
--outer
Content-Type: application/octet-stream; name="big.bin"
Content-Disposition: attachment; filename="big.bin"
Content-Transfer-Encoding: base64

$big
--outer
Content-Type: application/ms-tnef; name="winmail.dat"
Content-Disposition: attachment; filename="winmail.dat"
Content-Transfer-Encoding: base64

$tnef
--outer
Content-Type: message/rfc822

From: carol\@example.com
Subject: the original
Message-ID: <inner\@example.com>

Forwarded text.
--outer--
MAIL

is $s->wait_inbound(1), 1, 'the mail is in';
is $s->psql("select status from email_inbound"), 'processed', 'processed';
is $s->psql("select string_agg(filename || ' ' || mime, ', ' order by filename) from attachments"),
    'inline image/png, the original.eml message/rfc822, winmail.dat application/ms-tnef',
    'inline image, forwarded message and winmail.dat are attachments';
is $s->psql("select count(*) from attachments where filename = 'big.bin'"), 0,
    'the attachment over the limit is not';
like $s->psql("select description from tickets"), qr/big\.bin \(10000 bytes\) was not stored/,
    'a note says so';
like $s->psql("select description from tickets"), qr/See and the files\./, 'the HTML text is the description';
is $s->psql("select parsed_json->'skipped'->0->>'filename' from email_inbound"), 'big.bin',
    'parsed_json lists it as skipped';
for my $key (split /\n/, $s->psql("select object_key from attachments union all select raw_store_key from email_inbound")) {
    ok -s $s->var . "/attachments/$key", "$key is in the store";
}
like HD::Stack::slurp($s->var . '/attachments/' . $s->psql("select raw_store_key from email_inbound")),
    qr/big\.bin/, 'the raw message keeps it';

done_testing;
