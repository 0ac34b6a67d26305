-- 0010_sla: the SLA engine's data path (DESIGN §4).
--
-- Business time.  core/hd_cal expands a calendar (zone, weekly windows,
-- holidays) into UTC business intervals with the tz database; whoever
-- saves a calendar (the API through core, or `helpdesk-worker sla expand`)
-- stores that expansion in calendar_intervals, with each interval's
-- business milliseconds since the start of the expansion (before_ms).  So
-- SQL answers "business time between a and b" and "the instant N business
-- ms after t" with two btree probes, inside the transaction that changes a
-- ticket, and never converts a zone itself.
--
-- Clocks.  A ticket has a clock when an SLA policy applies to its priority
-- (and team) and it has a calendar (its team's, else its region's, else
-- the default calendar).  sla_refresh() rebuilds the clock from the
-- ticket's status history: the time in statuses of category 'open' runs
-- both clocks; 'paused' statuses (Scheduled, Pending…) pause them;
-- 'resolved'/'closed' stop them.  The response clock is met by the first
-- public comment of someone who is not a requester (or by resolution).
-- Triggers call it in the transaction of every status change, priority or
-- team change, deletion and public comment; a policy or calendar change
-- calls it for the clocks it affects.  The stored figures are exact up to
-- last_started_at; readers add the business time since then.
--
-- The clock that SQL reads is hd_now(): now(), unless the nginx module in
-- test mode (helpdesk_test_mode on) or `helpdesk-worker sla tick --now`
-- under HD_TEST_MODE=1 set helpdesk.now for the transaction.  Status
-- history, comments and tickets are stamped with it, so a test can walk a
-- ticket through a weekend in a few requests.


-- ---------------------------------------------------------------------------
-- The clock
-- ---------------------------------------------------------------------------

create function hd_now() returns timestamptz
language sql stable
as $$
    select coalesce(nullif(current_setting('helpdesk.now', true),
                           '')::timestamptz,
                    now())
$$;

alter table tickets alter column created_at set default hd_now();
alter table ticket_status_history alter column at set default hd_now();
alter table ticket_status_history alter column created_at
    set default hd_now();
alter table ticket_comments alter column created_at set default hd_now();


-- ---------------------------------------------------------------------------
-- Calendars: the default one, and their expansion
-- ---------------------------------------------------------------------------

alter table calendars
    add column is_default  boolean not null default false;

create unique index calendars_is_default_idx on calendars (is_default)
    where is_default;

-- Which version of a calendar calendar_intervals holds, over what range.
-- (Not columns of calendars: updating those bumps the calendar's version.)
create table calendar_expansions (
    calendar_id    uuid primary key
                   references calendars (id) on delete cascade,
    version        integer not null,
    expanded_from  timestamptz not null,
    expanded_to    timestamptz not null,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    constraint calendar_expansions_range_check
        check (expanded_to > expanded_from)
);

create table calendar_intervals (
    calendar_id  uuid not null references calendars (id) on delete cascade,
    starts_at    timestamptz not null,
    ends_at      timestamptz not null,
    before_ms    bigint not null check (before_ms >= 0),
    primary key (calendar_id, starts_at),
    constraint calendar_intervals_order_check check (ends_at > starts_at)
);

create index calendar_intervals_before_ms_idx
    on calendar_intervals (calendar_id, before_ms);

-- These four are PL/pgSQL rather than SQL functions on purpose: called
-- from other functions a SQL function's body is planned again on every
-- call (0.1-0.4 ms), while PL/pgSQL keeps each statement's plan for the
-- session (a call costs about two index probes).

-- Business milliseconds from the start of p_cal's expansion to p_t.
create function cal_position(p_cal uuid, p_t timestamptz) returns bigint
language plpgsql stable
as $$
declare
    pos  bigint;
begin
    select i.before_ms + (extract(epoch from least(p_t, i.ends_at)
                                              - i.starts_at) * 1000)::bigint
      into pos
      from calendar_intervals i
     where i.calendar_id = p_cal and i.starts_at <= p_t
     order by i.starts_at desc
     limit 1;

    return coalesce(pos, 0);
end
$$;

-- Business milliseconds in [p_a, p_b); 0 when p_b <= p_a.
create function cal_elapsed(p_cal uuid, p_a timestamptz, p_b timestamptz)
returns bigint
language plpgsql stable
as $$
begin
    if p_b <= p_a then
        return 0;
    end if;

    return cal_position(p_cal, p_b) - cal_position(p_cal, p_a);
end
$$;

-- The earliest instant at which p_n business milliseconds have elapsed
-- since p_start (p_start itself for p_n <= 0); null beyond the expansion.
create function cal_add(p_cal uuid, p_start timestamptz, p_n bigint)
returns timestamptz
language plpgsql stable
as $$
declare
    target  bigint;
    i       calendar_intervals;
begin
    if p_n <= 0 then
        return p_start;
    end if;

    target := cal_position(p_cal, p_start) + p_n;

    select * into i
      from calendar_intervals c
     where c.calendar_id = p_cal and c.before_ms < target
     order by c.before_ms desc
     limit 1;

    if not found
       or i.before_ms + (extract(epoch from i.ends_at - i.starts_at)
                         * 1000)::bigint < target
    then
        return null;
    end if;

    return i.starts_at + (target - i.before_ms) * interval '1 ms';
end
$$;

-- p_t when it is inside business hours, else the next opening (p_t when
-- there is none in the expansion).
create function cal_next_open(p_cal uuid, p_t timestamptz)
returns timestamptz
language plpgsql stable
as $$
declare
    i  calendar_intervals;
begin
    select * into i
      from calendar_intervals c
     where c.calendar_id = p_cal and c.starts_at <= p_t
     order by c.starts_at desc
     limit 1;

    if found and i.ends_at > p_t then
        return p_t;
    end if;

    select * into i
      from calendar_intervals c
     where c.calendar_id = p_cal and c.starts_at > p_t
     order by c.starts_at
     limit 1;

    return coalesce(i.starts_at, p_t);
end
$$;

-- The calendar a team's tickets run on: the team's, else its region's,
-- else the default calendar.
create function sla_calendar_for(p_team uuid) returns uuid
language sql stable
as $$
    select coalesce((select coalesce(t.calendar_id, r.calendar_id)
                       from teams t
                       left join regions r on r.id = t.region_id
                      where t.id = p_team),
                    (select c.id from calendars c where c.is_default))
$$;

-- The active policy for a priority: the team's own, else the general one.
create function sla_policy_for(p_priority text, p_team uuid)
returns sla_policies
language sql stable
as $$
    select p.* from sla_policies p
     where p.active and p.priority = p_priority
       and (p.team_id = p_team or p.team_id is null)
     order by p.team_id is null
     limit 1
$$;


-- ---------------------------------------------------------------------------
-- Clocks
-- ---------------------------------------------------------------------------

-- Nothing has written clocks before this migration; they are rebuilt below.
delete from ticket_sla_clocks;

alter table ticket_sla_clocks
    drop column breach_risk_notified_at,
    add column calendar_id                 uuid not null
                                           references calendars (id),
    add column response_target_ms          bigint not null
                                           check (response_target_ms > 0),
    add column resolution_target_ms        bigint not null
                                           check (resolution_target_ms > 0),
    add column response_risk_at            timestamptz,
    add column resolution_risk_at          timestamptz,
    add column response_risk_notified_at   timestamptz,
    add column resolution_risk_notified_at timestamptz;

create index ticket_sla_clocks_calendar_id_idx
    on ticket_sla_clocks (calendar_id);

-- What the tick looks for: each threshold not yet notified.
create index ticket_sla_clocks_response_risk_idx
    on ticket_sla_clocks (response_risk_at)
    where response_risk_notified_at is null and responded_at is null
      and not paused;
create index ticket_sla_clocks_resolution_risk_idx
    on ticket_sla_clocks (resolution_risk_at)
    where resolution_risk_notified_at is null and resolved_at is null
      and not paused;
create index ticket_sla_clocks_response_breach_idx
    on ticket_sla_clocks (response_due_at)
    where response_breached_at is null and responded_at is null
      and not paused;
create index ticket_sla_clocks_resolution_breach_idx
    on ticket_sla_clocks (resolution_due_at)
    where resolution_breached_at is null and resolved_at is null
      and not paused;

-- The ticket's status history as segments [from_at, to_at) (to_at null:
-- the current status), and whether the clocks run in each.
create function sla_segments(p_ticket uuid)
returns table (from_at timestamptz, to_at timestamptz, status text,
               category text, running boolean)
language sql stable
as $$
    select h.at, lead(h.at) over w, h.to_status, s.category,
           s.category = 'open'
      from ticket_status_history h
      join ticket_statuses s on s.key = h.to_status
     where h.ticket_id = p_ticket
    window w as (order by h.at, h.id)
     order by h.at, h.id
$$;

-- When the response clock was met: the first public comment by someone
-- who is not a requester, or the first resolution, whichever came first.
create function sla_response_met(p_ticket uuid) returns timestamptz
language sql stable
as $$
    select least(
        (select min(c.created_at)
           from ticket_comments c
           join tickets t on t.id = c.ticket_id
          where c.ticket_id = p_ticket and not c.is_internal
            and c.author_id is not null
            and c.author_id is distinct from t.requester_id
            and exists (select from user_roles ur
                          join roles r on r.id = ur.role_id
                         where ur.user_id = c.author_id
                           and r.key <> 'requester')),
        (select min(s.from_at) from sla_segments(p_ticket) s
          where s.category in ('resolved', 'closed')))
$$;

-- Rebuilds ticket p_ticket's clock from its status history and comments
-- (removes it when no policy or calendar applies, or the ticket is
-- deleted).  Notification marks are kept: each threshold is notified once.
create function sla_refresh(p_ticket uuid) returns void
language plpgsql
as $$
declare
    t          tickets;
    pol        sla_policies;
    cal        uuid;
    met        timestamptz;
    cur        record;
    resp_ms    bigint;
    res_ms     bigint;
    resp_tgt   bigint;
    res_tgt    bigint;
    running    boolean;
begin
    select * into t from tickets where id = p_ticket;

    if found and t.deleted_at is null then
        pol := sla_policy_for(t.priority, t.team_id);
        cal := sla_calendar_for(t.team_id);
    end if;

    if pol.id is null or cal is null then
        delete from ticket_sla_clocks where ticket_id = p_ticket;
        return;
    end if;

    select * into cur from sla_segments(p_ticket) s
     where s.to_at is null;

    if not found then
        delete from ticket_sla_clocks where ticket_id = p_ticket;
        return;
    end if;

    met := sla_response_met(p_ticket);
    running := cur.running;
    resp_tgt := pol.response_target_mins * 60000::bigint;
    res_tgt := pol.resolution_target_mins * 60000::bigint;

    -- finished running segments; the response part ends where it was met
    select coalesce(sum(cal_elapsed(cal, s.from_at, s.to_at)), 0),
           coalesce(sum(cal_elapsed(cal, s.from_at,
                                    least(s.to_at, coalesce(met, s.to_at)))),
                    0)
      into res_ms, resp_ms
      from sla_segments(p_ticket) s
     where s.running and s.to_at is not null;

    -- met during the current running segment
    if running and met is not null and met > cur.from_at then
        resp_ms := resp_ms + cal_elapsed(cal, cur.from_at, met);
    end if;

    insert into ticket_sla_clocks as c
           (ticket_id, policy_id, calendar_id, response_target_ms,
            resolution_target_ms, response_elapsed_ms, resolution_elapsed_ms,
            last_started_at, paused, reason, responded_at, resolved_at,
            response_due_at, resolution_due_at, response_risk_at,
            resolution_risk_at)
    values (p_ticket, pol.id, cal, resp_tgt, res_tgt, resp_ms, res_ms,
            case when running then cur.from_at end,
            not running,
            case when running then null
                 when cur.category = 'paused' then cur.status
                 else 'stopped' end,
            met,
            case when cur.category in ('resolved', 'closed')
                 then cur.from_at end,
            case when running and met is null
                 then cal_add(cal, cur.from_at, resp_tgt - resp_ms) end,
            case when running
                 then cal_add(cal, cur.from_at, res_tgt - res_ms) end,
            case when running and met is null
                 then cal_add(cal, cur.from_at,
                              (resp_tgt * 3 + 3) / 4 - resp_ms) end,
            case when running
                 then cal_add(cal, cur.from_at,
                              (res_tgt * 3 + 3) / 4 - res_ms) end)
    on conflict (ticket_id) do update
       set policy_id = excluded.policy_id,
           calendar_id = excluded.calendar_id,
           response_target_ms = excluded.response_target_ms,
           resolution_target_ms = excluded.resolution_target_ms,
           response_elapsed_ms = excluded.response_elapsed_ms,
           resolution_elapsed_ms = excluded.resolution_elapsed_ms,
           last_started_at = excluded.last_started_at,
           paused = excluded.paused,
           reason = excluded.reason,
           responded_at = excluded.responded_at,
           resolved_at = excluded.resolved_at,
           response_due_at = excluded.response_due_at,
           resolution_due_at = excluded.resolution_due_at,
           response_risk_at = excluded.response_risk_at,
           resolution_risk_at = excluded.resolution_risk_at,
           updated_at = now();
end
$$;

create function sla_on_status_history() returns trigger
language plpgsql
as $$
begin
    perform sla_refresh(new.ticket_id);
    return null;
end
$$;

create trigger ticket_status_history_sla
    after insert on ticket_status_history
    for each row execute function sla_on_status_history();

create function sla_on_ticket_change() returns trigger
language plpgsql
as $$
begin
    perform sla_refresh(new.id);
    return null;
end
$$;

create trigger tickets_sla
    after update of priority, team_id, deleted_at on tickets
    for each row
    when (old.priority is distinct from new.priority
          or old.team_id is distinct from new.team_id
          or old.deleted_at is distinct from new.deleted_at)
    execute function sla_on_ticket_change();

create function sla_on_comment() returns trigger
language plpgsql
as $$
begin
    if exists (select from ticket_sla_clocks c
                where c.ticket_id = new.ticket_id and c.responded_at is null)
    then
        perform sla_refresh(new.ticket_id);
    end if;
    return null;
end
$$;

create trigger ticket_comments_sla
    after insert on ticket_comments
    for each row when (not new.is_internal)
    execute function sla_on_comment();


-- A team or region that moves to another calendar takes its open tickets'
-- clocks along.
create function sla_on_team_change() returns trigger
language plpgsql
as $$
begin
    perform sla_refresh(t.id)
       from tickets t
       join ticket_statuses s on s.key = t.status
       left join teams tm on tm.id = t.team_id
      where t.deleted_at is null
        and s.category not in ('resolved', 'closed')
        and case when tg_table_name = 'teams' then t.team_id = new.id
                 else tm.region_id = new.id and tm.calendar_id is null end;
    return null;
end
$$;

create trigger teams_sla
    after update of calendar_id, region_id on teams
    for each row
    when (old.calendar_id is distinct from new.calendar_id
          or old.region_id is distinct from new.region_id)
    execute function sla_on_team_change();

create trigger regions_sla
    after update of calendar_id on regions
    for each row
    when (old.calendar_id is distinct from new.calendar_id)
    execute function sla_on_team_change();


-- ---------------------------------------------------------------------------
-- Reading clocks
-- ---------------------------------------------------------------------------

-- One clock's state: met | breached (finished past the target, or the
-- target reached) | paused | at_risk (75 % of the target) | ok.
create function sla_state(p_elapsed bigint, p_target bigint,
                          p_met timestamptz, p_paused boolean)
returns text
language sql immutable
as $$
    select case when p_met is not null and p_elapsed <= p_target then 'met'
                when p_elapsed >= p_target then 'breached'
                when p_met is not null then 'met'
                when p_paused then 'paused'
                when p_elapsed * 4 >= p_target * 3 then 'at_risk'
                else 'ok' end
$$;

-- Business ms on the response / resolution clock at p_now.
create function sla_response_ms(c ticket_sla_clocks, p_now timestamptz)
returns bigint
language sql stable
as $$
    select c.response_elapsed_ms
           + case when c.responded_at is null and not c.paused
                  then cal_elapsed(c.calendar_id, c.last_started_at, p_now)
                  else 0 end
$$;

create function sla_resolution_ms(c ticket_sla_clocks, p_now timestamptz)
returns bigint
language sql stable
as $$
    select c.resolution_elapsed_ms
           + case when not c.paused
                  then cal_elapsed(c.calendar_id, c.last_started_at, p_now)
                  else 0 end
$$;

-- The worse of the two clocks' states: breached, at_risk, paused, ok, met.
create function sla_clock_state(c ticket_sla_clocks, p_now timestamptz)
returns text
language sql stable
as $$
    select case when 'breached' in (a, b) then 'breached'
                when 'at_risk' in (a, b) then 'at_risk'
                when 'paused' in (a, b) then 'paused'
                when 'ok' in (a, b) then 'ok'
                else 'met' end
      from (select sla_state(sla_response_ms(c, p_now), c.response_target_ms,
                             c.responded_at, c.paused) as a,
                   sla_state(sla_resolution_ms(c, p_now),
                             c.resolution_target_ms, c.resolved_at,
                             c.paused) as b) s
$$;

create function sla_part_json(p_elapsed bigint, p_target bigint,
                              p_due timestamptz, p_met timestamptz,
                              p_paused boolean)
returns json
language sql immutable
as $$
    select json_build_object('elapsed_ms', p_elapsed, 'target_ms', p_target,
                             'remaining_ms', greatest(p_target - p_elapsed, 0),
                             'due_at', p_due, 'met_at', p_met,
                             'state', sla_state(p_elapsed, p_target, p_met,
                                                p_paused))
$$;

-- A ticket's sla member: null when no policy applies.
create function ticket_sla_json(p_ticket uuid) returns json
language sql stable
as $$
    select json_build_object(
               'policy', json_build_object('id', p.id, 'name', p.name),
               'calendar_id', c.calendar_id,
               'state', sla_clock_state(c, n.now),
               'paused', c.paused,
               'reason', c.reason,
               'response', sla_part_json(sla_response_ms(c, n.now),
                                         c.response_target_ms,
                                         c.response_due_at, c.responded_at,
                                         c.paused),
               'resolution', sla_part_json(sla_resolution_ms(c, n.now),
                                           c.resolution_target_ms,
                                           c.resolution_due_at,
                                           c.resolved_at, c.paused))
      from ticket_sla_clocks c
      join sla_policies p on p.id = c.policy_id,
           (select hd_now() as now) n
     where c.ticket_id = p_ticket
$$;

create or replace function ticket_summary_json(t tickets) returns json
language sql stable
as $$
    select json_build_object(
        'id', t.id, 'number', 'TKT-' || t.number, 'title', t.title,
        'status', t.status, 'priority', t.priority, 'urgency', t.urgency,
        'category', t.category, 'subcategory', t.subcategory,
        'requester_id', t.requester_id, 'assignee_id', t.assignee_id,
        'team_id', t.team_id, 'source', t.source,
        'scheduled_at', t.scheduled_at, 'due_at', t.due_at,
        'version', t.version, 'created_at', t.created_at,
        'updated_at', t.updated_at, 'sla', ticket_sla_json(t.id))
$$;

-- The tickets whose clock is in state p_state (breached, at_risk, paused)
-- now: the list's sla_state filter.
create function sla_tickets_in_state(p_state text) returns setof uuid
language sql stable
as $$
    select c.ticket_id from ticket_sla_clocks c
     where sla_clock_state(c, hd_now()) = p_state
$$;


-- ---------------------------------------------------------------------------
-- The clock explains itself: GET /api/tickets/{id}/sla
-- ---------------------------------------------------------------------------

-- Every status segment since creation with the business intervals of the
-- running ones (clipped to the segment, at most 1000 per segment), what
-- each clock counted in it, and how each due date follows from the last
-- start.  null when the ticket has no clock.
create function ticket_sla_explain(p_ticket uuid) returns json
language sql stable
as $$
    with n as (select hd_now() as now),
    c as (select * from ticket_sla_clocks where ticket_id = p_ticket),
    seg as (
        select s.*, coalesce(s.to_at, n.now) as end_at,
               least(coalesce(s.to_at, n.now),
                     coalesce(c.responded_at, 'infinity')) as resp_end
          from sla_segments(p_ticket) s, n, c)
    select json_build_object(
        'ticket_id', p_ticket,
        'now', n.now,
        'policy', (select json_build_object('id', p.id, 'name', p.name,
                       'priority', p.priority, 'team_id', p.team_id,
                       'response_target_mins', p.response_target_mins,
                       'resolution_target_mins', p.resolution_target_mins)
                     from sla_policies p where p.id = c.policy_id),
        'calendar', (select json_build_object('id', k.id, 'name', k.name,
                         'tz', k.tz)
                       from calendars k where k.id = c.calendar_id),
        'state', sla_clock_state(c, n.now),
        'response', sla_part_json(sla_response_ms(c, n.now),
                                  c.response_target_ms, c.response_due_at,
                                  c.responded_at, c.paused)::jsonb
                    || jsonb_build_object(
                           'running_since', c.last_started_at,
                           'counted_ms', c.response_elapsed_ms),
        'resolution', sla_part_json(sla_resolution_ms(c, n.now),
                                    c.resolution_target_ms,
                                    c.resolution_due_at, c.resolved_at,
                                    c.paused)::jsonb
                      || jsonb_build_object(
                             'running_since', c.last_started_at,
                             'counted_ms', c.resolution_elapsed_ms),
        'segments', coalesce((
            select json_agg(json_build_object(
                       'from', seg.from_at, 'to', seg.to_at,
                       'status', seg.status, 'running', seg.running,
                       'resolution_ms',
                       case when seg.running
                            then cal_elapsed(c.calendar_id, seg.from_at,
                                             seg.end_at)
                            else 0 end,
                       'response_ms',
                       case when seg.running
                            then cal_elapsed(c.calendar_id, seg.from_at,
                                             seg.resp_end)
                            else 0 end,
                       'intervals',
                       case when seg.running then coalesce((
                           select json_agg(json_build_object(
                                      'from', greatest(i.starts_at,
                                                       seg.from_at),
                                      'to', least(i.ends_at, seg.end_at))
                                  order by i.starts_at)
                             from (select * from calendar_intervals i
                                    where i.calendar_id = c.calendar_id
                                      and i.ends_at > seg.from_at
                                      and i.starts_at < seg.end_at
                                    order by i.starts_at
                                    limit 1000) i), '[]') end)
                   order by seg.from_at)
              from seg), '[]'))
      from c, n
$$;


-- ---------------------------------------------------------------------------
-- Administering calendars
-- ---------------------------------------------------------------------------

create function calendar_json(p_cal uuid) returns json
language sql stable
as $$
    select json_build_object(
        'id', k.id, 'name', k.name, 'tz', k.tz, 'is_default', k.is_default,
        'version', k.version,
        'windows', coalesce((select json_agg(json_build_object(
                                        'dow', b.dow,
                                        'start', to_char(make_interval(
                                            secs => b.start_sec), 'HH24:MI'),
                                        'end', case when b.end_sec = 86400
                                                    then '24:00'
                                                    else to_char(
                                                        make_interval(secs =>
                                                            b.end_sec),
                                                        'HH24:MI') end)
                                    order by b.dow, b.start_sec)
                               from business_hours b
                              where b.calendar_id = k.id), '[]'),
        'holidays', coalesce((select json_agg(json_build_object(
                                         'date', h.date, 'label', h.label)
                                     order by h.date)
                                from holidays h
                               where h.calendar_id = k.id), '[]'),
        'expanded_from', e.expanded_from, 'expanded_to', e.expanded_to,
        'created_at', k.created_at, 'updated_at', k.updated_at)
      from calendars k
      left join calendar_expansions e on e.calendar_id = k.id
     where k.id = p_cal
$$;

-- Replaces p_cal's stored expansion with [p_starts[i], p_ends[i]) (epoch
-- milliseconds, sorted and disjoint, as core/hd_cal produces them) for
-- calendar version p_version, and recomputes the open clocks on it (all of
-- them when the calendar changed; when only the range moved on, those that
-- had run past the old one); false (and nothing changes) when the calendar
-- is gone or at another version.
create function calendar_expansion_save(p_cal uuid, p_version int,
                                        p_from timestamptz,
                                        p_to timestamptz,
                                        p_starts bigint[], p_ends bigint[])
returns boolean
language plpgsql
as $$
declare
    changed  boolean;
begin
    perform from calendars where id = p_cal and version = p_version
        for update;
    if not found then
        return false;
    end if;

    changed := not exists (select from calendar_expansions
                            where calendar_id = p_cal
                              and version = p_version);

    delete from calendar_intervals where calendar_id = p_cal;

    insert into calendar_intervals (calendar_id, starts_at, ends_at,
                                    before_ms)
    select p_cal, to_timestamp(u.s / 1000.0), to_timestamp(u.e / 1000.0),
           coalesce(sum(u.e - u.s) over (order by u.s
                                         rows between unbounded preceding
                                                  and 1 preceding), 0)
      from unnest(p_starts, p_ends) as u (s, e);

    insert into calendar_expansions (calendar_id, version, expanded_from,
                                     expanded_to)
        values (p_cal, p_version, p_from, p_to)
    on conflict (calendar_id) do update
       set version = excluded.version,
           expanded_from = excluded.expanded_from,
           expanded_to = excluded.expanded_to, updated_at = now();

    perform sla_refresh(c.ticket_id)
       from ticket_sla_clocks c
      where c.calendar_id = p_cal and c.resolved_at is null
        and (changed or (not c.paused and c.resolution_due_at is null));

    return true;
end
$$;

-- Saves a calendar: p_def {name, tz, is_default, windows: [{dow,
-- start_sec, end_sec}], holidays: [{date, label}]} as core validated it,
-- with its expansion.  p_cal null creates one; otherwise the calendar must
-- be at p_version (409).  Every clock on it is recomputed.
create function calendar_save(p_actor uuid, p_cal uuid, p_version int,
                              p_def jsonb, p_ip inet, p_ua text,
                              p_from timestamptz, p_to timestamptz,
                              p_starts bigint[], p_ends bigint[])
returns table (status int, body json)
language plpgsql
as $$
declare
    k       calendars;
    before  json;
begin
    if p_cal is not null then
        select * into k from calendars where id = p_cal for update;
        if not found then
            return query select 404, null::json;
            return;
        end if;
        if k.version <> p_version then
            return query select 409, json_build_object(
                'detail', format('the calendar is at version %s, not %s',
                                 k.version, p_version),
                'current_version', k.version);
            return;
        end if;
        before := calendar_json(p_cal);
    end if;

    if exists (select from calendars
                where name = p_def ->> 'name'
                  and id is distinct from p_cal)
    then
        return query select 409, json_build_object('detail',
            'another calendar has that name');
        return;
    end if;

    if (p_def ->> 'is_default')::boolean then
        update calendars set is_default = false
         where is_default and id is distinct from p_cal;
    end if;

    if p_cal is null then
        insert into calendars (name, tz, is_default)
            values (p_def ->> 'name', p_def ->> 'tz',
                    coalesce((p_def ->> 'is_default')::boolean, false))
            returning * into k;
    else
        update calendars
           set name = p_def ->> 'name', tz = p_def ->> 'tz',
               is_default = coalesce((p_def ->> 'is_default')::boolean,
                                     is_default)
         where id = p_cal
         returning * into k;
        delete from business_hours where calendar_id = k.id;
        delete from holidays where calendar_id = k.id;
    end if;

    insert into business_hours (calendar_id, dow, start_sec, end_sec)
    select k.id, (w ->> 'dow')::smallint, (w ->> 'start_sec')::int,
           (w ->> 'end_sec')::int
      from jsonb_array_elements(p_def -> 'windows') w;

    insert into holidays (calendar_id, date, label)
    select k.id, (h ->> 'date')::date, h ->> 'label'
      from jsonb_array_elements(p_def -> 'holidays') h;

    perform calendar_expansion_save(k.id, k.version, p_from, p_to, p_starts,
                                    p_ends);

    perform audit_append('user', p_actor, 'calendar', k.id,
                         case when p_cal is null then 'calendar.created'
                              else 'calendar.updated' end,
                         jsonb_strip_nulls(jsonb_build_object(
                             'before', before,
                             'after', calendar_json(k.id)::jsonb
                                      - 'expanded_from' - 'expanded_to'
                                      - 'created_at' - 'updated_at')),
                         p_ip, p_ua);

    return query select case when p_cal is null then 201 else 200 end,
                        calendar_json(k.id);
end
$$;

-- What the worker needs to (re)expand a calendar.
create function calendar_def_json(p_cal uuid) returns json
language sql stable
as $$
    select json_build_object(
        'id', k.id, 'tz', k.tz, 'version', k.version,
        'windows', coalesce((select json_agg(json_build_object(
                                        'dow', b.dow,
                                        'start_sec', b.start_sec,
                                        'end_sec', b.end_sec))
                               from business_hours b
                              where b.calendar_id = k.id), '[]'),
        'holidays', coalesce((select json_agg(to_char(h.date, 'YYYY-MM-DD'))
                                from holidays h
                               where h.calendar_id = k.id), '[]'))
      from calendars k where k.id = p_cal
$$;


-- ---------------------------------------------------------------------------
-- Administering SLA policies
-- ---------------------------------------------------------------------------

create function sla_policy_json(p sla_policies) returns json
language sql stable
as $$
    select json_build_object(
        'id', p.id, 'name', p.name, 'priority', p.priority,
        'team_id', p.team_id,
        'response_target_mins', p.response_target_mins,
        'resolution_target_mins', p.resolution_target_mins,
        'update_cadence_mins', p.update_cadence_mins,
        'active', p.active, 'version', p.version,
        'created_at', p.created_at, 'updated_at', p.updated_at)
$$;

-- GET /api/slas: the policies, and the calendars their clocks run on.
create function slas_json() returns json
language sql stable
as $$
    select json_build_object(
        'policies', coalesce((select json_agg(sla_policy_json(p)
                                              order by p.priority,
                                                       p.team_id nulls first,
                                                       p.name)
                                from sla_policies p), '[]'),
        'calendars', coalesce((select json_agg(calendar_json(k.id)
                                               order by k.name)
                                 from calendars k), '[]'),
        'teams', coalesce((select json_agg(json_build_object(
                                      'id', t.id, 'name', t.name,
                                      'calendar_id',
                                      sla_calendar_for(t.id))
                                  order by t.name)
                             from teams t where t.active), '[]'))
$$;

-- Creates (p_policy null) or updates a policy at p_version with p_fields
-- (validated by core; a missing member keeps the value) and recomputes the
-- open tickets it may now apply to from their status history.
create function sla_policy_save(p_actor uuid, p_policy uuid, p_version int,
                                p_fields jsonb, p_ip inet, p_ua text)
returns table (status int, body json)
language plpgsql
as $$
declare
    old_p  sla_policies;
    p      sla_policies;
begin
    if p_policy is not null then
        select * into old_p from sla_policies where id = p_policy for update;
        if not found then
            return query select 404, null::json;
            return;
        end if;
        if old_p.version <> p_version then
            return query select 409, json_build_object(
                'detail', format('the policy is at version %s, not %s',
                                 old_p.version, p_version),
                'current_version', old_p.version);
            return;
        end if;
        p := jsonb_populate_record(old_p, p_fields);
    else
        p := jsonb_populate_record(null::sla_policies, p_fields);
    end if;

    if p.team_id is not null
       and not exists (select from teams where id = p.team_id)
    then
        return query select 422, json_build_object('detail',
            'no such team', 'errors', json_build_array(json_build_object(
                'field', 'team_id', 'message', 'no such team')));
        return;
    end if;

    if p.resolution_target_mins < p.response_target_mins then
        return query select 400, json_build_object('detail',
            'the resolution target is shorter than the response target',
            'errors', json_build_array(json_build_object(
                'field', 'resolution_target_mins',
                'message', 'at least response_target_mins')));
        return;
    end if;

    if exists (select from sla_policies q
                where q.name = p.name and q.id is distinct from p_policy)
    then
        return query select 409, json_build_object('detail',
            'another policy has that name');
        return;
    end if;

    if coalesce(p.active, true) and exists (
           select from sla_policies q
            where q.active and q.priority = p.priority
              and q.team_id is not distinct from p.team_id
              and q.id is distinct from p_policy)
    then
        return query select 409, json_build_object('detail',
            'an active policy for that priority and team exists');
        return;
    end if;

    if p_policy is null then
        insert into sla_policies (name, priority, team_id,
                                  response_target_mins,
                                  resolution_target_mins,
                                  update_cadence_mins, active)
            values (p.name, p.priority, p.team_id, p.response_target_mins,
                    p.resolution_target_mins, p.update_cadence_mins,
                    coalesce(p.active, true))
            returning * into p;
    else
        update sla_policies
           set name = p.name, priority = p.priority, team_id = p.team_id,
               response_target_mins = p.response_target_mins,
               resolution_target_mins = p.resolution_target_mins,
               update_cadence_mins = p.update_cadence_mins,
               active = p.active
         where id = p_policy
         returning * into p;
    end if;

    -- the tickets whose policy this was or may now be
    perform sla_refresh(t.id)
       from tickets t
       join ticket_statuses s on s.key = t.status
      where t.deleted_at is null and s.category <> 'closed'
        and (t.priority in (p.priority, old_p.priority)
             or exists (select from ticket_sla_clocks c
                         where c.ticket_id = t.id and c.policy_id = p.id));

    perform audit_append('user', p_actor, 'sla_policy', p.id,
                         case when p_policy is null then 'sla_policy.created'
                              else 'sla_policy.updated' end,
                         jsonb_strip_nulls(jsonb_build_object(
                             'before', case when p_policy is not null
                                            then to_jsonb(old_p)
                                                 - 'created_at'
                                                 - 'updated_at' end,
                             'after', to_jsonb(p) - 'created_at'
                                      - 'updated_at')),
                         p_ip, p_ua);

    return query select case when p_policy is null then 201 else 200 end,
                        sla_policy_json(p);
end
$$;


-- ---------------------------------------------------------------------------
-- The tick
-- ---------------------------------------------------------------------------

-- One tick at p_now, by one leader (a transaction-scoped advisory lock; a
-- second caller meanwhile returns null): every clock that crossed 75 % or
-- 100 % of a target since the last tick is marked, and gets one job
-- (sla.at_risk / sla.breached) to run at the next business instant of its
-- calendar.  The marks make it idempotent: run twice, late, or after
-- downtime, each threshold of each clock yields one job.
create function sla_tick(p_now timestamptz) returns json
language plpgsql
as $$
declare
    k         record;
    v         record;
    n         bigint;
    run_at    timestamptz;
    n_risk    int := 0;
    n_breach  int := 0;
begin
    if not pg_try_advisory_xact_lock(hashtext('helpdesk.sla_tick')) then
        return null;
    end if;

    -- The clocks past a threshold not yet marked: each OR arm is one of the
    -- four partial indexes.  Then one row at a time by primary key, so the
    -- cost follows the crossings, whatever the planner believes about a
    -- table whose marks the last tick just changed.
    for k in
        select c.ticket_id, c.calendar_id,
               c.response_risk_notified_at is null and c.responded_at is null
               and c.response_risk_at <= p_now as resp_risk,
               c.resolution_risk_notified_at is null and c.resolved_at is null
               and c.resolution_risk_at <= p_now as res_risk,
               c.response_breached_at is null and c.responded_at is null
               and c.response_due_at <= p_now as resp_breach,
               c.resolution_breached_at is null and c.resolved_at is null
               and c.resolution_due_at <= p_now as res_breach
          from ticket_sla_clocks c
         where (c.response_risk_notified_at is null and c.responded_at is null
                and not c.paused and c.response_risk_at <= p_now)
            or (c.resolution_risk_notified_at is null and c.resolved_at is null
                and not c.paused and c.resolution_risk_at <= p_now)
            or (c.response_breached_at is null and c.responded_at is null
                and not c.paused and c.response_due_at <= p_now)
            or (c.resolution_breached_at is null and c.resolved_at is null
                and not c.paused and c.resolution_due_at <= p_now)
           for update
    loop
        update ticket_sla_clocks c
           set response_risk_notified_at =
                   case when k.resp_risk then p_now
                        else c.response_risk_notified_at end,
               resolution_risk_notified_at =
                   case when k.res_risk then p_now
                        else c.resolution_risk_notified_at end,
               response_breached_at =
                   case when k.resp_breach then p_now
                        else c.response_breached_at end,
               resolution_breached_at =
                   case when k.res_breach then p_now
                        else c.resolution_breached_at end
         where c.ticket_id = k.ticket_id;

        select t.number into n from tickets t where t.id = k.ticket_id;
        run_at := cal_next_open(k.calendar_id, p_now);

        for v in
            select * from (values ('sla.at_risk', 'response', k.resp_risk),
                                  ('sla.at_risk', 'resolution', k.res_risk),
                                  ('sla.breached', 'response', k.resp_breach),
                                  ('sla.breached', 'resolution',
                                   k.res_breach)) as x (kind, clock, hit)
             where x.hit
        loop
            insert into jobs (kind, payload, run_at, dedupe_key)
                values (v.kind,
                        jsonb_build_object('ticket_id', k.ticket_id,
                                           'number', n, 'clock', v.clock),
                        run_at,
                        v.kind || ':' || v.clock || ':' || k.ticket_id)
            on conflict (dedupe_key) do nothing;

            if found then
                if v.kind = 'sla.at_risk' then
                    n_risk := n_risk + 1;
                else
                    n_breach := n_breach + 1;
                end if;
            end if;
        end loop;
    end loop;

    return json_build_object('at', p_now, 'at_risk', n_risk,
                             'breached', n_breach);
end
$$;

-- Calendars whose stored expansion is stale (another version) or ends
-- within p_margin of p_now: what `helpdesk-worker sla expand` redoes.
create function calendars_to_expand(p_now timestamptz, p_margin interval)
returns setof uuid
language sql stable
as $$
    select k.id from calendars k
      left join calendar_expansions e on e.calendar_id = k.id
     where e.version is distinct from k.version
        or e.expanded_to < p_now + p_margin
        or e.expanded_from > p_now - p_margin
     order by k.name
$$;

grant select, insert, update, delete on calendar_intervals, calendar_expansions
    to helpdesk_app;
