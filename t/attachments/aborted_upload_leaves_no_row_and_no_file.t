# A client that goes away in the middle of an upload leaves nothing: no attachment row, no audit
# event, no file in the store and no temporary file, and the worker that took it keeps serving.
use strict;
use warnings;
use Test::More;
use File::Find;
use IO::Socket::INET;
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
my $agent = $s->login('agent@example.com');
my $t = $s->create_ticket($agent, title => 'Disk full');
my $before = $s->psql('select count(*) from attachments') . '/' . $s->psql('select count(*) from audit_events');

for my $sent (0, 1000, 300_000) {
    my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $s->port, Proto => 'tcp')
        or die "connect: $!";
    my $cookie = join '; ', map { $_->name . '=' . $_->value } @{ $agent->ua->cookie_jar->all };
    print $sock "POST /api/tickets/$t->{id}/attachments?filename=half.bin HTTP/1.1\r\n"
        . "Host: 127.0.0.1\r\nCookie: $cookie\r\nX-CSRF-Token: " . $agent->csrf . "\r\n"
        . "Content-Length: 1000000\r\n\r\n" . ('z' x $sent);
    select undef, undef, undef, 0.3;
    close $sock;
}

ok HD::Stack::wait_for(10, sub { !glob($s->var . '/nginx/tmp/client_body/*') }, 0.1),
    'no temporary upload files remain';
my @files;
find(sub { push @files, $File::Find::name if -f }, $s->var . '/attachments');
is scalar(@files), 0, 'nothing reached the store';
is $s->psql('select count(*) from attachments') . '/' . $s->psql('select count(*) from audit_events'),
    $before, 'no row and no audit event';
$agent->t->post_ok($s->url("/api/tickets/$t->{id}/attachments?filename=whole.txt") => $agent->h => 'ok')
    ->status_is(201, 'a complete upload still works');

done_testing;
