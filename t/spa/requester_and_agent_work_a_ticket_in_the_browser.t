# The web app in a real browser (Debian's Chromium driven by playwright-core, spa/e2e/run.mjs)
# against a seeded stack: a requester submits with a file, an agent finds it in the queue,
# replies with a saved reply and adds an internal note, downloads the file and attaches one to a
# Markdown reply, the requester sees the reply and its file and never the note, a file over the
# size limit is refused in words, the agent resolves it; keyboard navigation of the queue; a
# stale edit (409) shown and re-applied; an expired session returns to the same page after
# signing in; 360 px (nothing cut off or scrolling sideways) and dark mode; axe-core finds no
# violation on the login, portal form, portal ticket, queue, ticket and dialog pages; no CSP
# violation anywhere. Screenshots of the main pages are kept in a directory printed below.
use strict;
use warnings;
use Test::More;
use HD::Stack;

# The flows exercise the app, not the module's memory handling: the ASan pass of `make test`
# (prove-asan) runs the other suites against the sanitizer build and skips this one for time.
plan skip_all => 'browser flows run in the plain pass only' if HD::Stack::asan();

my $chromium = $ENV{HD_CHROMIUM} // '/usr/bin/chromium';
BAIL_OUT("$chromium is missing: run .ci/deps.sh") unless -x $chromium;
BAIL_OUT('spa/dist is missing: run make') unless -f "$HD::Stack::REPO/spa/dist/index.html";

# Agents in the demo work every ticket: a requester's new ticket has no team yet, and with the
# default team scope only managers would see it in the console.
my $s = HD::Stack->new(seed => 1, env => { HD_AGENT_SCOPE => 'all', HD_ATTACH_MAX => '1m' });
$s->browser_flows('e2e/run.mjs', 15);

done_testing;
