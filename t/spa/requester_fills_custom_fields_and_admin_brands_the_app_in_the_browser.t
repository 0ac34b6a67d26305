# Custom fields and branding in a real browser (spa/e2e/settings.mjs) against a seeded stack with
# a required "Site" select added: the requester's form renders the custom fields by type and
# marks the required one, leaving it empty shows the server's error next to it, the filed
# ticket shows its values in the portal and the console; an admin sets name, colours and an SVG
# logo with a live preview (a bad colour refused next to its field), and on the next page load
# the login page and the portal carry them through the CSS variables, light and dark, axe-clean;
# an admin creates a custom field on its settings page (a bad key and a key in use refused next
# to the key), renames it through another admin's change (409, typing kept, reloaded, saved),
# sees the requester's form ask for it, and deletes it after confirming; agents get neither
# settings page. Screenshots are kept in a directory printed below.
use strict;
use warnings;
use Test::More;
use HD::Stack;

plan skip_all => 'browser flows run in the plain pass only' if HD::Stack::asan();

my $chromium = $ENV{HD_CHROMIUM} // '/usr/bin/chromium';
BAIL_OUT("$chromium is missing: run .ci/deps.sh") unless -x $chromium;
BAIL_OUT('spa/dist is missing: run make') unless -f "$HD::Stack::REPO/spa/dist/index.html";

my $s = HD::Stack->new(seed => 1, env => { HD_AGENT_SCOPE => 'all' });
$s->psql(q{insert into ticket_custom_defs (key, label, type, required, options, sort_order) values
    ('site', 'Site', 'select', true, '["London", "Leeds"]', 5)});
$s->browser_flows('e2e/settings.mjs', 14);

is $s->audit_count('branding.updated'), 1, 'the admin\'s save was audited, the refused one not'
    or diag $s->psql('select count(*) from audit_events');
is $s->audit_count('custom_field.created'), 1, 'one custom field created, the refused keys not';
is $s->audit_count('custom_field.updated'), 3, 'the rename, the other admin\'s change and the save after the reload';
is $s->audit_count('custom_field.deleted'), 1, 'and deleted once';

done_testing;
