# Exit 1 is kept for a broken chain: bad arguments, a settings file that cannot be read and a
# database that cannot be reached exit 2, since the chain was not checked at all.
use strict;
use warnings;
use Test::More;
use File::Temp qw(tempdir);
use HD::Stack;

my $s = HD::Stack->new(seed => 1);
$s->login('admin@example.com');

my ($rc, $out) = $s->worker_cli('audit', 'verify');
is $rc, 0, 'the chain verifies' or diag $out;

for my $args (['audit'], ['audit', 'check'], ['audit', 'verify', '--from'],
              ['audit', 'verify', '--from', 'ten'], ['audit', 'verify', '--all'])
{
    ($rc, $out) = $s->worker_cli(@$args);
    is $rc, 2, "usage error exits 2: @$args" or diag $out;
    unlike $out, qr/audit chain (intact|broken)/, 'and claims nothing about the chain';
}

($rc, $out) = $s->worker_cli('audit', 'help');
is $rc, 0, 'audit help exits 0';
like $out, qr/usage: helpdesk-worker audit verify \[--from ID\]/, 'and shows the usage';

my $dir = tempdir(CLEANUP => 1);
($rc, $out) = $s->worker_cli({ conf => "$dir/missing.conf" }, 'audit', 'verify');
is $rc, 2, 'an unreadable settings file exits 2' or diag $out;

my ($closed) = HD::Stack::free_ports(1);
open my $fh, '>', "$dir/helpdesk.conf" or die $!;
print $fh "db = hostaddr=127.0.0.1 port=$closed dbname=helpdesk user=postgres connect_timeout=3\n";
close $fh;
($rc, $out) = $s->worker_cli({ conf => "$dir/helpdesk.conf" }, 'audit', 'verify');
is $rc, 2, 'an unreachable database exits 2' or diag $out;
like $out, qr/cannot connect to the database/, 'saying so' or diag $out;
unlike $out, qr/audit chain (intact|broken)/, 'and claims nothing about the chain';

done_testing;
