# The web app in a real browser (Debian's Chromium driven by playwright-core, spa/e2e/run.mjs)
# against a seeded stack: a requester submits, an agent finds it in the queue, replies with a
# saved reply and adds an internal note, the requester sees the reply and never the note, the
# agent resolves it; keyboard navigation of the queue; a stale edit (409) shown and re-applied;
# an expired session returns to the same page after signing in; 360 px and dark mode; no CSP
# violation anywhere. Screenshots of the main pages are kept in a directory printed below.
use strict;
use warnings;
use Test::More;
use File::Temp qw(tempdir);
use HD::Stack;

# The flows exercise the app, not the module's memory handling: the ASan pass of `make test`
# (prove-asan) runs the other suites against the sanitizer build and skips this one for time.
plan skip_all => 'browser flows run in the plain pass only' if HD::Stack::asan();

my $repo = $HD::Stack::REPO;
my $chromium = $ENV{HD_CHROMIUM} // '/usr/bin/chromium';
BAIL_OUT("$chromium is missing: run .ci/deps.sh") unless -x $chromium;
BAIL_OUT('spa/dist is missing: run make') unless -f "$repo/spa/dist/index.html";

# Agents in the demo work every ticket: a requester's new ticket has no team yet, and with the
# default team scope only managers would see it in the console.
my $s = HD::Stack->new(seed => 1, env => { HD_AGENT_SCOPE => 'all' });
my $shots = tempdir('hd-spa-shots-XXXXXX', TMPDIR => 1, CLEANUP => 0);

my ($rc, $out) = HD::Stack::run_capture_in("$repo/spa", 240, 'node', 'e2e/run.mjs', $s->url(''), $shots);
my $checks = 0;
for my $line (split /\n/, $out) {
    if ($line =~ /^(not )?ok - (.*)$/) {
        $checks++;
        ok(!$1, $2);
    } elsif ($line =~ /^#/) {
        diag($line =~ s/^# ?//r);
    }
}
cmp_ok($checks, '>=', 13, 'every browser check ran');
is($rc, 0, 'the browser run exits 0');

done_testing;
