# A failed sign-in must not tell whether the account exists: an unknown email, a wrong password
# and an inactive account get the same status and body, and take about as long (the password is
# checked against a dummy hash when there is no account). Every failure is an audit event.
use strict;
use warnings;
use Test::More;
use HD::Stack;
use List::Util qw(sum);
use Time::HiRes qw(time);

# a high limit: this file measures timing, not the limiter
my $s = HD::Stack->new(seed => 1, env => { HD_LOGIN_LIMIT => '1000 1000 15m' });
$s->psql("update users set active = false where email = 'agent2\@example.com'");

my %cases = (
    unknown  => [ 'nobody-here@example.com', 'demo-password' ],
    wrong    => [ 'agent@example.com',       'not-the-password' ],
    inactive => [ 'agent2@example.com',      'demo-password' ],
);

sub shape {
    my ($res) = @_;
    my $j = $res->json // {};
    return join '|', $res->code, $res->headers->content_type // '', $j->{type} // '',
        $j->{title} // '', $j->{detail} // '', $j->{status} // '',
        join(',', sort grep { $_ ne 'instance' && $_ ne 'request_id' } keys %$j);
}

my (%shape, %times);
$s->login_tx(@{ $cases{wrong} });    # warm up both workers' paths
$s->login_tx(@{ $cases{unknown} });
for my $round (1 .. 6) {
    for my $name (sort keys %cases) {
        my $t0 = time;
        my $tx = $s->login_tx(@{ $cases{$name} });
        push @{ $times{$name} }, time - $t0;
        $shape{$name}{ shape($tx->res) }++;
        unlike $tx->res->body, qr/nobody-here|agent2|inactive|unknown/i,
            "$name: the answer names neither the account nor the reason" if $round == 1;
    }
}

is scalar(keys %{ $shape{$_} }), 1, "$_: the same answer every time" for sort keys %cases;
my ($w) = keys %{ $shape{wrong} };
like $w, qr/^401\|application\/problem\+json/, 'a wrong password is 401 problem+json';
is((keys %{ $shape{unknown} })[0], $w, 'an unknown user gets exactly the same answer');
is((keys %{ $shape{inactive} })[0], $w, 'so does an inactive account with the right password');

my %median = map { my @t = sort { $a <=> $b } @{ $times{$_} }; ($_ => $t[@t / 2]) } keys %times;
diag sprintf '%s: median %.1f ms', $_, 1000 * $median{$_} for sort keys %median;
for my $name (qw(unknown inactive)) {
    my ($a, $b) = ($median{$name}, $median{wrong});
    my $ratio = $a > $b ? $a / $b : $b / $a;
    cmp_ok $ratio, '<', 3, "$name vs wrong password: timing ratio ${\ sprintf '%.2f', $ratio} < 3";
}

is $s->audit_count('auth.login_failed', "diff_json->>'reason' = 'unknown_user'"), 7,
    'every failure with an unknown email is audited';
is $s->audit_count('auth.login_failed', "diff_json->>'reason' = 'wrong_password'"), 7,
    'every wrong password is audited';
is $s->audit_count('auth.login_failed', "diff_json->>'reason' = 'inactive'"), 6,
    'every attempt on an inactive account is audited';
is $s->audit_count('auth.login'), 0, 'and none of them signed in';

done_testing;
