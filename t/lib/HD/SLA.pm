package HD::SLA;
# Helpers for the SLA tests: a calendar, a team on it and a team policy made through the admin
# API, and requests made at a chosen instant (X-Helpdesk-Now, accepted in test mode only).
use strict;
use warnings;
use Exporter 'import';
our @EXPORT_OK = qw(setup_desk at patch_at ticket_at tick);

# Creates, as $admin: calendar $o{calendar} (a hash: name, tz, windows, holidays), a team on it
# and a policy for that team and priority $o{priority} (response/resolution targets in minutes).
# Returns { calendar => ..., team => ..., policy => ... } as the API answered.
sub setup_desk {
    my ($s, $admin, %o) = @_;
    my %r;
    for (['calendar', '/api/calendars', $o{calendar}],
         ['team', '/api/teams', sub { { name => $o{team} // "$o{calendar}{name} team",
                                        calendar_id => $r{calendar}{id} } }],
         ['policy', '/api/slas', sub { { name => $o{policy} // "$o{calendar}{name} $o{priority}",
                                         priority => $o{priority}, team_id => $r{team}{id},
                                         response_target_mins => $o{response},
                                         resolution_target_mins => $o{resolution} } }])
    {
        my ($key, $path, $body) = @$_;
        $body = $body->() if ref $body eq 'CODE';
        my $res = $admin->ua->post($s->url($path) => $admin->h => json => $body)->res;
        die "HD::SLA: POST $path answered " . ($res->code // '-') . ': ' . $res->body . "\n"
            unless ($res->code // 0) == 201;
        $r{$key} = $res->json;
    }
    return \%r;
}

# Headers for a request made at instant $when by $c.
sub at { my ($c, $when, %more) = @_; return $c->h('X-Helpdesk-Now' => $when, %more) }

# Creates a ticket as $c at $when; dies unless 201.  Returns the ticket.
sub ticket_at {
    my ($s, $c, $when, %fields) = @_;
    $fields{title} //= 'Clock test';
    my $res = $c->ua->post($s->url('/api/tickets') => at($c, $when) => json => \%fields)->res;
    die "HD::SLA: POST /api/tickets answered " . ($res->code // '-') . ': ' . $res->body . "\n"
        unless ($res->code // 0) == 201;
    return $res->json;
}

# PATCHes ticket $t (re-read for its version) as $c at $when; dies unless 200.  Returns it.
sub patch_at {
    my ($s, $c, $when, $id, %fields) = @_;
    my $cur = $c->ua->get($s->url("/api/tickets/$id") => at($c, $when))->res->json;
    my $res = $c->ua->patch($s->url("/api/tickets/$id")
        => at($c, $when, 'If-Match' => qq{"$cur->{version}"}) => json => \%fields)->res;
    die "HD::SLA: PATCH answered " . ($res->code // '-') . ': ' . $res->body . "\n"
        unless ($res->code // 0) == 200;
    return $res->json;
}

# `helpdesk-worker sla tick --now $when` in test mode; returns (exit code, output).
sub tick {
    my ($s, $when) = @_;
    local $ENV{HELPDESK_TEST_MODE} = 1;
    return $s->worker_cli('sla', 'tick', '--now', $when);
}

1;
