# Mailboxes through the admin API (GET/POST /api/admin/mailboxes, PATCH/DELETE …/{id}): the
# password is stored only sealed under the instance key (never in the database in clear, never
# answered back, never in the audit log), the worker opens it and polls the mailbox's folders,
# and each poll's outcome (ok, or the error — a wrong password, a credential that no longer
# opens) shows in the list. Bad input is 400 naming the field and changes nothing; agents may
# do none of it.
use strict;
use warnings;
use Test::More;
use HD::Stack;
use HD::Dovecot;

my $imap = HD::Dovecot->new;
my $s = HD::Stack->new(seed => 1);
my $admin = $s->login('admin@example.com');
my $agent = $s->login('agent@example.com');
my $url = $s->url('/api/admin/mailboxes');
my $pw = $imap->password;

my %good = (name => 'Support', url => $imap->url, username => $imap->user, password => $pw,
            folders => ['INBOX'], poll_interval_s => 10);

sub boxes { $s->psql('select count(*) from mailboxes') }
sub mail { my ($n) = @_; "From: requester\@example.com\nSubject: via mailbox $n\nMessage-ID: <mb$n\@example.com>\n\nbody $n\n" }
sub status_of {
    my $items = $admin->ua->get($url => $admin->h)->res->json->{items} // [];
    return $items->[0]{status};
}

$agent->t->get_ok($url)->status_is(403);
$agent->t->post_ok($url => $agent->h => json => \%good)->status_is(403);
is boxes(), 0, 'an agent creates nothing';

# bad input: 400 naming the field, nothing stored
my @bad = (
    [ url => { %good, url => 'http://127.0.0.1:143' } ],
    [ url => { %good, url => $imap->url . '/INBOX' } ],
    [ url => { %good, url => 'imap://someone@127.0.0.1:143' } ],
    [ password => do { my %b = %good; delete $b{password}; \%b } ],
    [ token => { %good, token => 'abc' } ],
    [ password => { %good, auth => 'xoauth2' } ],
    [ auth => { %good, auth => 'plain' } ],
    [ poll_interval_s => { %good, poll_interval_s => 5 } ],
    [ poll_interval_s => { %good, poll_interval_s => 1.5 } ],
    [ folders => { %good, folders => [] } ],
    [ folders => { %good, folders => ["IN\r\nBOX"] } ],
    [ password => { %good, password => "pw\r\nA1 LOGOUT" } ],
    [ name => { %good, name => '  ' } ],
    [ secret_sealed => { %good, secret_sealed => '\\x00' } ],
    [ id => { %good, id => '00000000-0000-0000-0000-000000000000' } ],
);
for my $b (@bad) {
    my ($field, $body) = @$b;
    $admin->t->post_ok($url => $admin->h => json => $body)->status_is(400, "bad $field: 400")
        ->header_like('Content-Type', qr{application/problem\+json})
        ->json_is('/errors/0/field', $field, "the error names $field");
}
is boxes(), 0, 'no bad body stored anything';
is $s->audit_count('mailbox.created'), 0, 'nor audited anything';

# a good one
$admin->t->post_ok($url => $admin->h => json => \%good)->status_is(201)
    ->json_is('/name', 'Support')->json_is('/has_secret', Mojo::JSON::true)->json_is('/version', 1)
    ->json_is('/folders', ['INBOX'])->json_is('/auth', 'password');
my $box = $admin->t->tx->res->json;
ok !exists $box->{password} && !exists $box->{secret_sealed}, 'the answer never carries the credential';
unlike $admin->t->tx->res->body, qr/\Q$pw\E/, 'not even in passing';
$admin->t->post_ok($url => $admin->h => json => { %good, name => 'support' })->status_is(409, 'names are unique');
$admin->t->post_ok($url => $admin->h => json => { %good, name => "  SUPPORT " })
    ->status_is(409, 'regardless of case and surrounding blanks')
    ->json_is('/detail', 'another mailbox has that name');
is boxes(), 1, 'and neither twin was stored';
my ($rc, $out) = $s->psql_as('postgres', "insert into mailboxes (name, url, username) "
    . "values (' support', 'imap://127.0.0.1:1', 'x')");
ok $rc && $out =~ /mailboxes_name_ci_key/, 'the database itself refuses a twin made behind the API';

is $s->psql("select octet_length(secret_sealed) from mailboxes"), length($pw) + 31,
    'the database holds a sealed box of the right size';
is $s->psql("select position(convert_to('$pw', 'UTF8') in secret_sealed) from mailboxes"), 0,
    'which does not contain the password';
is $s->psql("select count(*) from mailboxes where secret_sealed::text like '%' || encode(convert_to('$pw', 'UTF8'), 'hex') || '%'"),
    0, 'not even hex-encoded';
is $s->audit_count('mailbox.created'), 1, 'creating it is audited';
is $s->audit_count('mailbox.created', "diff_json::text like '%$pw%'"), 0, 'without the password';
is $s->audit_count('mailbox.created', "diff_json->'after'->>'has_secret' = 'true'"), 1,
    'only whether there is one';

# the worker polls it
$imap->append(mail(1));
is $s->wait_inbound(1, 30), 1, 'mail in the mailbox is taken';
is $s->psql("select mailbox from email_inbound"), 'Support/INBOX', 'recorded as coming from it';
is $s->psql("select count(*) from tickets where title = 'via mailbox 1'"), 1, 'as a ticket';
ok HD::Stack::wait_for(10, sub { my $st = status_of(); $st && $st->{ok} && $st->{messages} >= 1 }, 0.2),
    'the list shows the poll went well';
ok defined status_of()->{last_ok_at}, 'with when';

# PATCH needs the version; a wrong password is seen at the next poll
$admin->t->patch_ok("$url/$box->{id}" => $admin->h => json => { password => 'wrong' })->status_is(428);
$admin->t->patch_ok("$url/$box->{id}" => $admin->h('If-Match' => '"7"') => json => { password => 'wrong' })
    ->status_is(409)->json_is('/current_version', 1);
$admin->t->patch_ok("$url/$box->{id}" => $admin->h('If-Match' => '"1"') => json => { poll_interval_s => 3 })
    ->status_is(400)->json_is('/errors/0/field', 'poll_interval_s');
$admin->t->patch_ok("$url/$box->{id}" => $admin->h('If-Match' => '"1"') => json => { password => 'wrong' })
    ->status_is(200)->json_is('/version', 2)->json_is('/has_secret', Mojo::JSON::true);
is $s->audit_count('mailbox.updated', "(diff_json->>'secret_changed')::boolean"), 1,
    'the change is audited as a changed secret';
ok HD::Stack::wait_for(20, sub { my $st = status_of(); $st && !$st->{ok} }, 0.2),
    'the next poll fails and the list says so';
my $st = status_of();
like $st->{last_error}, qr/INBOX: .*(login|auth|denied)/i, 'naming the folder and why';
ok defined $st->{last_error_at} && defined $st->{last_ok_at}, 'when it failed, and when it last worked';
$imap->append(mail(2));
sleep 2;
is $s->psql("select count(*) from email_inbound"), 1, 'nothing is taken with the wrong password';

# fixed: the waiting mail comes in
$admin->t->patch_ok("$url/$box->{id}" => $admin->h('If-Match' => '"2"') => json => { password => $pw })
    ->status_is(200)->json_is('/version', 3);
is $s->wait_inbound(2, 30), 2, 'with the right password again the waiting mail is taken';
ok HD::Stack::wait_for(10, sub { my $st = status_of(); $st && $st->{ok} }, 0.2), 'and the status is ok';

# a box that does not open with the instance key (altered in the database) is an error, not a crash
$s->psql("update mailboxes set secret_sealed = overlay(secret_sealed placing '\\x00'::bytea from 20 for 1),"
    . " version = version + 1");
ok HD::Stack::wait_for(20, sub { my $st = status_of(); $st && ($st->{last_error} // '') =~ /does not open/ }, 0.2),
    'an altered credential is reported as one that does not open';
ok HD::Stack::alive($s->worker_pid), 'the worker lives on';

# delete
$agent->t->delete_ok("$url/$box->{id}")->status_is(403);
$admin->t->delete_ok("$url/$box->{id}" => $admin->h)->status_is(204);
$admin->t->get_ok($url)->status_is(200)->json_is('/items', []);
$admin->t->delete_ok("$url/$box->{id}" => $admin->h)->status_is(404);
is $s->audit_count('mailbox.deleted'), 1, 'deleting is audited';
is $s->psql('select count(*) from mailbox_status'), 0, 'its status goes with it';
is $s->psql('select count(*) from email_inbound'), 2, 'the mail taken from it stays';
ok HD::Stack::wait_for(10, sub { HD::Stack::slurp($s->var . '/log/worker.log') =~ /mailbox Support is no longer polled/ }, 0.2),
    'the worker stops polling it';
unlike HD::Stack::slurp($s->var . '/log/worker.log'), qr/\Q$pw\E/, 'and never logged the password';

done_testing;
