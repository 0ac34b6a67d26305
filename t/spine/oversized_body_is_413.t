# A request body over client_max_body_size (1m) is refused with 413; a large body under the limit
# (which nginx keeps in a temp file) is read completely.
use strict;
use warnings;
use Test::More;
use Mojo::JSON qw(encode_json);
use HD::Stack;

my $s = HD::Stack->new;
my $t = $s->t;
my $json = {'Content-Type' => 'application/json'};

my $over = '{"s":"' . ('x' x (1024 * 1024)) . '"}';
$t->post_ok($s->url('/api/_test/echo') => $json => $over)->status_is(413, 'body over 1 MiB is 413')
  ->content_type_is('application/problem+json', 'as problem+json')
  ->json_is('/type' => 'https://helpdesk.dev/problems/payload-too-large')
  ->json_is('/status' => 413)
  ->header_like('X-Request-Id' => qr/^[A-Za-z0-9._:-]{8,128}$/);

# Chunked bodies are counted as they arrive.
my $tx = $t->ua->build_tx(POST => $s->url('/api/_test/echo') => $json);
$tx->req->content->write_chunk($over => sub { shift->write_chunk('') });
$t->request_ok($tx)->status_is(413, 'chunked body over the limit is 413 too')
  ->content_type_is('application/problem+json');

my $doc = {s => 'y' x (900 * 1024), n => [1 .. 10]};
$t->post_ok($s->url('/api/_test/echo') => $json => encode_json($doc))
  ->status_is(200, '900 KiB body under the limit is accepted')
  ->json_is('' => $doc, 'and echoed back intact');

# The server still answers normally afterwards.
$t->get_ok($s->url('/api/healthz'))->status_is(200);

done_testing;
