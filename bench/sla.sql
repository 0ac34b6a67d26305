-- bench/sla.sql — what bench/sla.sh measures the SLA tick on: 20 calendars
-- (as many zones; office hours, round the clock, and overnight desks with
-- a Saturday morning; two holidays each), a team on each, and :tickets open
-- tickets filed over the last :days days on those teams, P1-P4, each with
-- its status history (new, then in progress five minutes later).  The
-- clocks are built afterwards by sla_refresh() (timed by the script).
-- Variables: tickets, days.

begin;

insert into calendars (name, tz)
select 'bench ' || z.tz, z.tz
  from unnest(array['Europe/London', 'America/New_York', 'America/Los_Angeles',
                    'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe',
                    'Australia/Sydney', 'Asia/Tokyo', 'Europe/Berlin',
                    'America/Sao_Paulo', 'Africa/Johannesburg',
                    'Pacific/Auckland', 'America/Chicago', 'Asia/Singapore',
                    'Europe/Paris', 'America/Denver', 'Asia/Dubai',
                    'Europe/Moscow', 'America/Toronto', 'UTC']) as z (tz);

create temp table bench_cals as
select id, row_number() over (order by name) as n
  from calendars where name like 'bench %';

-- n % 3: 0 round the clock, 1 office hours, 2 overnight desk + Saturday
insert into business_hours (calendar_id, dow, start_sec, end_sec)
select c.id, d.dow, w.s, w.e
  from bench_cals c
  cross join generate_series(0, 6) as d (dow)
  cross join lateral (
      select 0 as s, 86400 as e where c.n % 3 = 0
      union all
      select 9 * 3600, 17 * 3600 + 1800 where c.n % 3 = 1 and d.dow between 1 and 5
      union all
      select 22 * 3600, 6 * 3600 where c.n % 3 = 2 and d.dow between 1 and 5
      union all
      select 10 * 3600, 14 * 3600 where c.n % 3 = 2 and d.dow = 6) w;

insert into holidays (calendar_id, date, label)
select c.id, h.date, h.label
  from bench_cals c,
       (values ('2026-12-25'::date, 'Christmas Day'),
               ('2027-01-01'::date, 'New Year''s Day')) as h (date, label);

insert into teams (name, calendar_id)
select 'bench team ' || c.n, c.id from bench_cals c;

commit;

begin;

-- triggers off for the bulk load: the clocks are built by sla_refresh()
-- afterwards, all at once and timed
set local session_replication_role = replica;

create temp table bench_teams as
select id, row_number() over (order by name) - 1 as k
  from teams where name like 'bench team %';

insert into tickets (title, requester_id, team_id, priority, status, source,
                     created_at, updated_at)
select 'bench ticket ' || g.i,
       (select id from users where email = 'requester@example.com'),
       t.id,
       (array['P1', 'P2', 'P3', 'P3', 'P3', 'P4', 'P4', 'P4'])[1 + g.i % 8],
       'in_progress', 'web', g.at, g.at + interval '5 minutes'
  from (select i, now() - random() * (:days * interval '1 day') as at
          from generate_series(1, :tickets) as i) g
  join bench_teams t on t.k = g.i % 20;

insert into ticket_status_history (ticket_id, from_status, to_status, at,
                                   created_at)
select t.id, s.f, s.t, t.created_at + s.d, t.created_at + s.d
  from tickets t,
       (values (null, 'new', interval '0'),
               ('new', 'in_progress', interval '5 minutes')) as s (f, t, d)
 where t.title like 'bench ticket %';

commit;

analyze;
