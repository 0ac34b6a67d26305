-- bench/seed.sql — fills a helpdesk database with a realistic ticket load
-- for bench/tickets.sh (issue 4's performance bar).  Run by bench/seed.sh,
-- which sets the psql variables
--
--   :tickets     tickets to add                (BENCH_TICKETS, 1 000 000)
--   :comments    comments to spread over them  (BENCH_COMMENTS, 5 000 000)
--   :requesters  requester accounts           (BENCH_REQUESTERS, 20 000)
--
-- in ONE transaction as the superuser: a failure leaves nothing behind.
--
-- What it writes, all set-based (INSERT … SELECT over generate_series):
--   * nine more teams on a 24x7 calendar, six agents in each, and
--     :requesters requesters (emails @bench.example; re-running skips them);
--   * :tickets tickets created over the last three years, more of them
--     recently, over every active team (Service Desk, the demo agent's team,
--     gets the biggest share), each assigned to a member of its team unless
--     it is still new; old tickets are mostly closed, recent ones spread over
--     the whole workflow; priorities, categories, sources and a few soft
--     deletions in realistic proportions;
--   * :comments comments, between about 1 and 9 per ticket (exactly
--     :comments in all), written by the requester or the assignee over the
--     ticket's life, a fifth of the agents' ones internal.
--
-- Ids are version 7 UUIDs of the row's own created_at, as uuid_v7() would
-- have made them at the time, so keys sort the way production keys do.
--
-- Deliberately bypassed: the audit log, status history, SLA clocks and the
-- jobs outbox.  A bulk load is not a user action, hashing a million audit
-- events one at a time through audit_append() would take longer than all the
-- rest, and the benchmark reads none of them.  Everything else holds:
-- every check constraint is checked as the rows go in, and the foreign keys
-- are checked set-based over the whole load before it commits (their
-- per-row triggers are off for the two bulk inserts; see there).
--
-- What makes it fast: the list and comment indexes (non-unique, not behind
-- a constraint) are dropped and rebuilt after the load from their own
-- definitions, so whatever a later migration adds is rebuilt too; rows go
-- in in created_at order so the primary keys grow at their right edge;
-- maintenance_work_mem and work_mem are raised and synchronous_commit is off
-- for this session only.

\set ON_ERROR_STOP on

set synchronous_commit = off;
set maintenance_work_mem = '1GB';
set work_mem = '256MB';
set client_min_messages = warning;

begin;

select setseed(0.4);

-- A version 7 UUID for instant ts (see uuid_v7() in 0001_spine.sql), its
-- random bits from random(): gen_random_uuid() would double the cost.
create function pg_temp.uuid_at(ts timestamptz) returns uuid
language sql volatile
as $$
    select (lpad(to_hex(floor(extract(epoch from ts) * 1000)::bigint), 12, '0')
            || to_hex(28672 + floor(random() * 4096)::int)     -- 7xxx
            || to_hex(32768 + floor(random() * 16384)::int)    -- 8xxx-bxxx
            || lpad(to_hex(floor(random() * 281474976710656)::bigint), 12,
                    '0'))::uuid
$$;

-- A pseudo-random fraction in [0, 1) that depends on i alone.
create function pg_temp.frac(i bigint) returns float8
language sql immutable
as $$
    select (hashint8(i)::bigint & 2147483647) / 2147483648.0::float8
$$;


-- ---------------------------------------------------------------------------
-- People and teams
-- ---------------------------------------------------------------------------

insert into calendars (name, tz) values ('Bench 24x7', 'UTC')
on conflict do nothing;

insert into teams (name, calendar_id)
select n, (select id from calendars where name = 'Bench 24x7')
  from unnest(array['Endpoint', 'Networking', 'Identity', 'Security',
                    'Collaboration', 'Field Services', 'Telephony',
                    'Data Platform', 'Facilities']) n
on conflict do nothing;

insert into users (email, display_name, time_zone)
select format('agent%s.%s@bench.example', k,
              lower(replace(t.name, ' ', '-'))),
       format('%s Agent %s', t.name, k), 'UTC'
  from teams t, generate_series(1, 6) k
 where t.calendar_id = (select id from calendars where name = 'Bench 24x7')
on conflict do nothing;

insert into user_roles (user_id, role_id)
select u.id, (select id from roles where key = 'agent')
  from users u
 where u.email like 'agent%@bench.example'
on conflict do nothing;

insert into team_members (team_id, user_id)
select t.id, u.id
  from teams t
  join users u
    on u.email like format('agent%%.%s@bench.example',
                           lower(replace(t.name, ' ', '-')))
on conflict do nothing;

insert into users (email, display_name, time_zone)
select format('requester%s@bench.example', k),
       format('Requester %s', k), 'Europe/London'
  from generate_series(1, :requesters) k
on conflict do nothing;

insert into user_roles (user_id, role_id)
select u.id, (select id from roles where key = 'requester')
  from users u
 where u.email like 'requester%@bench.example'
on conflict do nothing;

-- Requesters numbered 1..n, for picking one per ticket by a random number.
create temp table seed_requesters as
select row_number() over (order by u.email) as idx, u.id
  from users u
 where u.email like 'requester%@bench.example';
create unique index on seed_requesters (idx);

-- Active teams numbered 1..n, Service Desk (the demo agent's) first, each
-- with its members (who may be assigned its tickets).
create temp table seed_teams as
select row_number() over (order by t.name <> 'Service Desk', t.name) as idx,
       t.id,
       coalesce(array_agg(m.user_id order by m.user_id)
                    filter (where m.user_id is not null), '{}') as members
  from teams t
  left join team_members m on m.team_id = t.id
 where t.active
 group by t.id, t.name;


-- ---------------------------------------------------------------------------
-- Tickets
-- ---------------------------------------------------------------------------

-- Indexes rebuilt after the load: every non-unique index of the two tables
-- that no constraint owns.
create temp table seed_indexes as
select i.indexrelid::regclass::text as name,
       pg_get_indexdef(i.indexrelid) as def
  from pg_index i
 where i.indrelid in ('tickets'::regclass, 'ticket_comments'::regclass)
   and not i.indisunique
   and not exists (select from pg_constraint c
                    where c.conindid = i.indexrelid);

select format('drop index %s', name) from seed_indexes \gexec

-- The foreign keys' row triggers would cost more than the inserts (one
-- lookup per key per row: 4 per ticket, 2 per comment).  Every key below
-- is taken from the referenced table in this same transaction, and the
-- whole load is checked set-based before it commits (further down), so
-- the triggers are off for the two bulk inserts only.  Check constraints
-- are not triggers: they stay on.
set local session_replication_role = replica;

create temp table seed_base as
select coalesce(max(number), 0) as number,
       (select count(*) from seed_teams) as teams,
       (select count(*) from seed_requesters) as requesters
  from tickets;

insert into tickets (id, number, title, description, requester_id,
                     assignee_id, team_id, priority, urgency, category,
                     status, scheduled_at, source, version, deleted_at,
                     created_at, updated_at)
select pg_temp.uuid_at(g.created_at), b.number + g.i,
       (array['Laptop will not boot', 'VPN drops every few minutes',
              'Cannot print to the third-floor printer',
              'Outlook keeps asking for my password',
              'New starter needs an account', 'Monitor flickers',
              'Shared drive is read-only', 'Phone has no dial tone',
              'Wi-Fi slow in meeting room', 'Request access to the CRM',
              'Teams calls freeze', 'Password reset',
              'Software install request', 'Keyboard missing keys',
              'Badge does not open the door', 'Suspicious email received',
              'Disk almost full', 'Calendar invites not arriving',
              'Docking station not detected', 'Report export fails'])
           [1 + (g.i % 20)] || ' #' || (b.number + g.i),
       'Reported via the bench seed. ' ||
           repeat('Steps taken so far and what the user sees. ',
                  1 + (g.i % 5)::int),
       r.id,
       case when g.status <> 'new' and cardinality(tm.members) > 0
            then tm.members[1 + floor(g.r_assignee
                                      * cardinality(tm.members))::int]
       end,
       tm.id,
       case when g.r_priority < 0.02 then 'P1'
            when g.r_priority < 0.15 then 'P2'
            when g.r_priority < 0.75 then 'P3'
            else 'P4' end,
       case when g.r_priority < 0.5 then 1 + (g.i % 4)::smallint end,
       (array['Hardware', 'Software', 'Access', 'Network', 'Email',
              'Printing', 'Accounts', 'Security', 'Telephony', 'Other'])
           [1 + floor(power(g.r_category, 1.6) * 10)::int],
       g.status,
       case when g.status = 'scheduled'
            then g.created_at + interval '2 days' end,
       case when g.r_source < 0.60 then 'web'
            when g.r_source < 0.95 then 'email'
            else 'api' end,
       1 + (g.i % 7)::int,
       case when g.r_deleted < 0.002 then g.updated_at end,
       g.created_at, g.updated_at
  from (select s.i, s.created_at, s.r_priority, s.r_category, s.r_source,
               s.r_deleted, s.r_assignee, s.status,
               1 + floor(s.r_requester * (select requesters from seed_base))::bigint as requester,
               1 + floor(power(s.r_team, 1.5) * (select teams from seed_base))::bigint as team,
               least(now(),
                     s.created_at + case
                         when s.status in ('closed', 'resolved')
                         then interval '20 days' * power(s.r_updated, 2)
                         else (now() - s.created_at) * s.r_updated
                     end) as updated_at
          from (select x.*,
                       case
                       when x.age > interval '21 days' then
                           case when x.r_status < 0.97 then 'closed'
                                when x.r_status < 0.98 then 'resolved'
                                else x.open_status end
                       when x.age > interval '3 days' then
                           case when x.r_status < 0.40 then 'closed'
                                when x.r_status < 0.65 then 'resolved'
                                else x.open_status end
                       else
                           case when x.r_status < 0.25 then 'new'
                                when x.r_status < 0.35 then 'resolved'
                                else x.open_status end
                       end as status
                  from (select y.*, now() - y.created_at as age,
                               (array['new', 'assigned', 'accepted',
                                      'in_progress', 'in_progress',
                                      'in_progress', 'scheduled',
                                      'pending_info', 'pending_callback',
                                      'pending_parts', 'pending_approval',
                                      'assigned'])
                                   [1 + floor(y.r_open * 12)::int]
                                   as open_status
                          from (select i,
                                       now() - interval '3 years'
                                       + (interval '3 years' - interval '1 hour')
                                         * power(i::float8 / (:tickets + 1), 0.7)
                                       + interval '1 minute' * random()
                                           as created_at,
                                       random() as r_status,
                                       random() as r_open,
                                       random() as r_priority,
                                       random() as r_category,
                                       random() as r_source,
                                       random() as r_deleted,
                                       random() as r_assignee,
                                       random() as r_requester,
                                       random() as r_team,
                                       random() as r_updated
                                  from generate_series(1, :tickets) i
                                offset 0) y
                        offset 0) x
                offset 0) s
        offset 0) g
  cross join seed_base b
  join seed_requesters r on r.idx = g.requester
  join seed_teams tm on tm.idx = g.team
 order by g.i;

select setval(pg_get_serial_sequence('tickets', 'number'),
              greatest((select max(number) from tickets), 1));


-- ---------------------------------------------------------------------------
-- Comments: ticket k (k = 1..:tickets of this load) gets the comments
-- numbered cum(k-1)+1 .. cum(k), where cum(k) = floor(C k / N + A frac(k))
-- wobbles around its straight line by up to A = min(4, C/N) comments: the
-- per-ticket counts vary, never go negative, and add up to exactly C.
-- ---------------------------------------------------------------------------

create function pg_temp.cum(k bigint, n bigint, c bigint) returns bigint
language sql immutable
as $$
    select case when k <= 0 then 0
                when k >= n then c
                else floor(c::float8 * k / n
                           + least(4.0, c::float8 / n) * pg_temp.frac(k))
           end::bigint
$$;

insert into ticket_comments (id, ticket_id, author_id, body_md, is_internal,
                             created_at, updated_at)
select pg_temp.uuid_at(c.at), c.ticket_id, c.author_id,
       (array['Thanks, looking into it now.',
              'Could you send a screenshot of the error?',
              'I have restarted it and it seems fine for now.',
              'Still happening this morning, same message as before.',
              'Escalated to the second line; they will call you.',
              'Parts ordered, expected later this week.',
              'Confirmed fixed on my side, thank you!',
              'Checked the logs: the sync job failed overnight.'])
           [1 + (c.j % 8)::int]
           || repeat(' More detail from the conversation follows here.',
                     (c.j % 4)::int),
       c.internal, c.at, c.at
  from (select t.id as ticket_id, s.j,
               case when (s.j - lo.v) % 2 = 0 and t.assignee_id is not null
                    then t.assignee_id else t.requester_id end as author_id,
               (s.j - lo.v) % 2 = 0 and t.assignee_id is not null
                   and s.j % 5 = 0 as internal,
               t.created_at + (t.updated_at - t.created_at)
                   * ((s.j - lo.v)::float8 / (hi.v - lo.v + 1)) as at
          from tickets t
          cross join seed_base b
          cross join lateral (select pg_temp.cum(t.number - b.number - 1,
                                                 :tickets, :comments)) lo (v)
          cross join lateral (select pg_temp.cum(t.number - b.number,
                                                 :tickets, :comments)) hi (v)
          cross join lateral generate_series(lo.v + 1, hi.v) s (j)
         where t.number > b.number) c;

set local session_replication_role = origin;

-- What the foreign-key triggers would have checked, for the whole load.
do $$
declare
    bad  text;
begin
    select format('ticket %s', t.number) into bad
      from tickets t
     where not exists (select from users u where u.id = t.requester_id)
        or (t.assignee_id is not null
            and not exists (select from users u where u.id = t.assignee_id))
        or (t.team_id is not null
            and not exists (select from teams m where m.id = t.team_id))
        or not exists (select from ticket_statuses s where s.key = t.status)
     limit 1;
    if found then
        raise exception 'seed: % breaks a foreign key', bad;
    end if;

    select format('comment %s', c.id) into bad
      from ticket_comments c
     where not exists (select from tickets t where t.id = c.ticket_id)
        or (c.author_id is not null
            and not exists (select from users u where u.id = c.author_id))
     limit 1;
    if found then
        raise exception 'seed: % breaks a foreign key', bad;
    end if;
end
$$;

select def from seed_indexes \gexec

commit;

-- vacuum, not just analyze: the visibility map of a table in steady state
vacuum (analyze) tickets;
vacuum (analyze) ticket_comments;
analyze users;
analyze user_roles;
analyze team_members;
analyze teams;
