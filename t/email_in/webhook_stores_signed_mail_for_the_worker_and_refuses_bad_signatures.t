# POST /api/webhooks/email-inbound: a raw message signed with the shared secret (HMAC-SHA256 of
# the body) is stored (raw file in the attachment store, an email_inbound row 'received' from
# mailbox 'webhook') and the worker makes it a ticket; the same message again is a duplicate, not a
# second ticket. A missing or wrong signature is 401 problem+json and stores nothing.
use strict;
use warnings;
use Digest::SHA qw(hmac_sha256_hex);
use File::Find;
use Test::More;
use HD::Stack;

my $s = HD::Stack->new;
my $secret = HD::Stack::slurp($s->var . '/secrets/mail-webhook.secret');
$secret =~ s/\s+\z//;
ok length $secret >= 16, 'the stack made a secret';

my $url = $s->url('/api/webhooks/email-inbound');
my $ua = $s->new_ua;
my $mail = "From: Fay <fay\@example.com>\r\nSubject: sent by the MTA\r\nMessage-ID: <mta.1\@example.com>\r\n\r\nhello from postfix\r\n";

sub files {
    my $n = 0;
    find(sub { $n++ if -f }, $s->var . '/attachments');
    return $n;
}

my $before = files();
for my $case ([ 'no signature', {} ],
              [ 'wrong signature', { 'X-Helpdesk-Signature' => 'sha256=' . hmac_sha256_hex($mail, 'not the secret') } ],
              [ 'malformed signature', { 'X-Helpdesk-Signature' => 'md5=abc' } ],
              [ 'signature of other bytes', { 'X-Helpdesk-Signature' => 'sha256=' . hmac_sha256_hex("$mail.", $secret) } ]) {
    my ($name, $h) = @$case;
    my $res = $ua->post($url => { 'Content-Type' => 'message/rfc822', %$h } => $mail)->res;
    is $res->code, 401, "$name: 401";
    like $res->headers->content_type // '', qr{^application/problem\+json}, "$name: problem+json";
}
is files(), $before, 'nothing stored';
is $s->psql('select count(*) from email_inbound'), 0, 'no row';

my $sig = { 'Content-Type' => 'message/rfc822', 'X-Helpdesk-Signature' => 'sha256=' . hmac_sha256_hex($mail, $secret) };
my $res = $ua->post($url => $sig => $mail)->res;
is $res->code, 202, 'signed: 202';
is $res->json->{status}, 'received', 'received';
is $res->json->{duplicate}, Mojo::JSON::false, 'not a duplicate';
is $s->psql("select mailbox || ' ' || message_id from email_inbound"), 'webhook mta.1@example.com',
    'a row keyed by its Message-ID, from the webhook';
my $key = $s->psql('select raw_store_key from email_inbound');
is HD::Stack::slurp($s->var . "/attachments/$key"), $mail, 'the raw bytes are in the store';

is $s->wait_inbound(1), 1, 'the worker took it';
is $s->psql("select title || ' ' || source from tickets"), 'sent by the MTA email', 'a ticket';

$res = $ua->post($url => $sig => $mail)->res;
is $res->code, 202, 'again: 202';
is $res->json->{duplicate}, Mojo::JSON::true, 'a duplicate';
sleep 1.5;
is $s->psql('select count(*) from tickets'), 1, 'still one ticket';

done_testing;
