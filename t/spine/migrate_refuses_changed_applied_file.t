# `helpdesk-worker migrate` applies every migration once (idempotent, checksummed), and refuses
# to run when an already applied file has changed, naming the file.
use strict;
use warnings;
use Test::More;
use File::Copy qw(copy);
use File::Temp qw(tempdir);
use HD::Stack;

my $s = HD::Stack->new;
my @files = sort glob("$HD::Stack::REPO/migrations/*.sql");
ok(@files >= 1, 'the repository has migrations') or BAIL_OUT('no migrations');

my $dir = tempdir(CLEANUP => 1);
copy($_, $dir) or die "copy $_: $!" for @files;
my @names = map { (split m{/})[-1] } @files;

$s->psql('CREATE DATABASE migtest', 'postgres');
my $conf = "$dir/helpdesk.conf";
open my $fh, '>', $conf or die $!;
print $fh "db = hostaddr=127.0.0.1 port=" . $s->pgport . " dbname=migtest user=postgres\n";
print $fh "migrations_dir = $dir\n";
close $fh;

sub migrate { $s->worker_cli({conf => $conf}, 'migrate', @_) }
sub applied { $s->psql('SELECT count(*) FROM schema_migrations', 'migtest') }

my ($rc, $out) = migrate();
is($rc, 0, 'migrate on an empty database succeeds') or diag $out;
is(applied(), scalar @files, 'one schema_migrations row per file');
is($s->psql(q{SELECT count(*) FROM schema_migrations WHERE checksum ~ '^[0-9a-f]{64}$'}, 'migtest'),
    scalar @files, 'each with a sha256 hex checksum');

my $stamp = $s->psql('SELECT max(applied_at) FROM schema_migrations', 'migtest');
($rc, $out) = migrate();
is($rc, 0, 'a second migrate succeeds') or diag $out;
is(applied(), scalar @files, 'and applies nothing again');
is($s->psql('SELECT max(applied_at) FROM schema_migrations', 'migtest'), $stamp, 'rows untouched');

($rc, $out) = migrate('--status');
is($rc, 0, 'migrate --status succeeds') or diag $out;
for my $name (@names) {
    my ($version, $label) = $name =~ /^(\d+)_(.*)\.sql$/;
    like($out, qr/^\Q$version\E\s+\Q$label\E\s+applied\b/m, "--status shows $name as applied");
}

open my $edit, '>>', "$dir/$names[0]" or die $!;
print $edit "\n-- edited after it was applied\n";
close $edit;

($rc, $out) = migrate();
is($rc, 1, 'migrate refuses a changed applied file with exit 1');
like($out, qr/\Q$names[0]\E/, 'and names the file') or diag $out;
is(applied(), scalar @files, 'nothing was recorded');

done_testing;
