-- 0016_one_round_trip_reads: a request made with a token the worker has
-- seen before reads one ticket in one statement.
--
-- The nginx module keeps the principal behind an OIDC access token or a
-- personal access token (core/hd_tokcache.h).  Before anything is answered
-- with such a principal the database must confirm it: the user is still
-- active at the authz_version the worker read (0003).  principal_fresh()
-- is that check, one primary-key probe; the statement that reads a ticket
-- carries it, so confirming the caller and reading cost one round trip
-- instead of two.
--
-- A personal access token stops standing when it is revoked or expires.
-- Revoking it (or moving its expiry) now also moves its user's
-- authz_version, so the same probe sees it; its expiry itself the module
-- checks with the clock, as it does an OIDC token's exp (auth_token()
-- tells it when).
--
-- principal_fresh() and ticket_access() are set-returning SQL functions:
-- PostgreSQL inlines them into the statement that calls them (an SQL
-- function with a FROM clause called as an expression would be planned
-- again on every call), and the module sends that statement as a named
-- prepared statement.


-- The principal carries its teams' ids, so that a ticket read can tell
-- whether the caller is in the ticket's team without joining team_members
-- again (the authz_version check covers them: 0003's triggers move the
-- version with every membership change), and when its credential expires
-- by itself (Unix seconds; null: never, or not a token).
alter type principal
    add attribute team_ids uuid[],
    add attribute credential_expires bigint;

create or replace function principal_of(p_user uuid, p_credential uuid)
returns setof principal
language sql stable
as $$
    select u.id, u.email::text, u.display_name, u.locale, u.time_zone,
           array(select r.key from user_roles ur
                   join roles r on r.id = ur.role_id
                  where ur.user_id = u.id order by r.key),
           coalesce((select jsonb_agg(jsonb_build_object('id', t.id,
                                                         'name', t.name)
                                      order by t.name)
                       from team_members tm join teams t on t.id = tm.team_id
                      where tm.user_id = u.id and t.active), '[]'),
           p_credential,
           u.authz_version,
           array(select t.id from team_members tm
                   join teams t on t.id = tm.team_id
                  where tm.user_id = u.id and t.active order by t.name),
           null::bigint
      from users u
     where u.id = p_user and u.active
$$;

-- As 0002's, and the principal says when the token expires.
create or replace function auth_token(p_hash bytea)
returns setof principal
language plpgsql
as $$
declare
    tok  api_tokens;
    p    principal;
begin
    select * into tok from api_tokens
     where token_hash = p_hash and revoked_at is null
       and (expires_at is null or expires_at > now());

    if not found then
        return;
    end if;

    if tok.last_used_at is null
       or tok.last_used_at < now() - interval '1 minute'
    then
        update api_tokens set last_used_at = now() where id = tok.id;
    end if;

    select * into p from principal_of(tok.user_id, tok.id);

    if not found then
        return;
    end if;

    p.credential_expires := extract(epoch from tok.expires_at)::bigint;

    return next p;
end
$$;


-- A token revoked, its expiry moved, or the token gone: the principals
-- cached for its user no longer stand.  (Recording its last use changes
-- nothing a principal is made of.)
create function api_tokens_bump_authz_version() returns trigger
language plpgsql
as $$
begin
    if tg_op = 'UPDATE'
       and (new.revoked_at, new.expires_at, new.user_id)
           is not distinct from (old.revoked_at, old.expires_at, old.user_id)
    then
        return null;
    end if;

    update users set authz_version = authz_version + 1
     where id = old.user_id;

    return null;
end
$$;

create trigger api_tokens_bump_authz_version
    after update of revoked_at, expires_at, user_id or delete on api_tokens
    for each row execute function api_tokens_bump_authz_version();


-- Does a principal read earlier still stand?  One primary-key probe; one
-- row, fresh true or false.
create function principal_fresh(p_user uuid, p_authz_version bigint)
returns table (fresh boolean)
language sql stable
as $$
    select exists (select from users u
                    where u.id = p_user and u.active
                      and u.authz_version = p_authz_version)
$$;


-- The ticket named by id or by number (exactly one of them given) and how
-- p_user stands to it, with whether p_user's principal (at
-- p_authz_version, in teams p_teams) is still fresh.  Always one row:
-- fresh, then the ticket's columns, all null when there is no such
-- (undeleted) ticket; when fresh is false the caller must use none of
-- them (the principal is resolved again, and the read repeated).
--
-- The columns after in_team are the rest of the ticket's document as
-- ticket_json() shows it, for GET /api/tickets/{id}, which core renders
-- from them (hd_api_tickets.c): json_build_object looks up every
-- argument's type and output function on every call, which made rendering
-- the largest part of the read.  Timestamps come as json, formatted as
-- json_build_object formats them.  A caller that does not select them pays
-- nothing for them: the planner drops the joins only they need.
drop function ticket_access(uuid, bigint, uuid);

create function ticket_access(p_id uuid, p_number bigint, p_user uuid,
                              p_authz_version bigint, p_teams uuid[])
returns table (fresh boolean, id uuid, version int, status text,
               is_requester boolean, is_watcher boolean, is_assignee boolean,
               in_team boolean,
               number bigint, title text, priority text, urgency smallint,
               category text, subcategory text, requester_id uuid,
               assignee_id uuid, team_id uuid, source text,
               scheduled_at json, due_at json, created_at json,
               updated_at json, description text, custom_json jsonb,
               requester uuid, requester_name text, requester_email text,
               assignee uuid, assignee_name text, assignee_email text,
               team uuid, team_name text)
language sql stable
as $$
    select f.fresh, t.id, t.version, t.status, t.requester_id = p_user,
           exists (select from ticket_watchers w
                    where w.ticket_id = t.id and w.user_id = p_user),
           t.assignee_id is not distinct from p_user,
           t.team_id = any (p_teams),
           t.number, t.title, t.priority, t.urgency, t.category,
           t.subcategory, t.requester_id, t.assignee_id, t.team_id, t.source,
           to_json(t.scheduled_at), to_json(t.due_at), to_json(t.created_at),
           to_json(t.updated_at), t.description, t.custom_json,
           rq.id, rq.display_name, rq.email::text,
           asg.id, asg.display_name, asg.email::text,
           tm.id, tm.name
      from principal_fresh(p_user, p_authz_version) f
      left join tickets t
        on t.deleted_at is null
       and t.id = coalesce(p_id, (select n.id from tickets n
                                   where n.number = p_number))
      left join users rq on rq.id = t.requester_id
      left join users asg on asg.id = t.assignee_id
      left join teams tm on tm.id = t.team_id
$$;


-- A ticket's SLA clock now, as ticket_sla_json() (0010) shows it, in
-- columns: GET /api/tickets/{id} renders them (hd_api_tickets.c).  No row
-- when no policy applies.  ticket_sla_json() calls sla_clock_state(), an
-- SQL function with a FROM clause that is planned again on every call;
-- here the states are sla_state() (inlined) and the business time each
-- clock has run is computed once (offset 0 keeps the planner from copying
-- the cal_elapsed() calls into every column that uses them).
create function ticket_sla_now(p_ticket uuid)
returns table (policy_id uuid, policy_name text, calendar_id uuid,
               state text, paused boolean, reason text,
               response_elapsed_ms bigint, response_target_ms bigint,
               response_remaining_ms bigint, response_due_at json,
               response_met_at json, response_state text,
               resolution_elapsed_ms bigint, resolution_target_ms bigint,
               resolution_remaining_ms bigint, resolution_due_at json,
               resolution_met_at json, resolution_state text)
language sql stable
as $$
    select s.policy_id, s.policy_name, s.calendar_id,
           case when 'breached' in (s.response_state, s.resolution_state)
                    then 'breached'
                when 'at_risk' in (s.response_state, s.resolution_state)
                    then 'at_risk'
                when 'paused' in (s.response_state, s.resolution_state)
                    then 'paused'
                when 'ok' in (s.response_state, s.resolution_state)
                    then 'ok'
                else 'met' end,
           s.paused, s.reason,
           s.response_ms, s.response_target_ms,
           greatest(s.response_target_ms - s.response_ms, 0),
           to_json(s.response_due_at), to_json(s.responded_at),
           s.response_state,
           s.resolution_ms, s.resolution_target_ms,
           greatest(s.resolution_target_ms - s.resolution_ms, 0),
           to_json(s.resolution_due_at), to_json(s.resolved_at),
           s.resolution_state
      from (select p.id as policy_id, p.name as policy_name, c.calendar_id,
                   c.paused, c.reason, e.response_ms, c.response_target_ms,
                   c.response_due_at, c.responded_at,
                   sla_state(e.response_ms, c.response_target_ms,
                             c.responded_at, c.paused) as response_state,
                   e.resolution_ms, c.resolution_target_ms,
                   c.resolution_due_at, c.resolved_at,
                   sla_state(e.resolution_ms, c.resolution_target_ms,
                             c.resolved_at, c.paused) as resolution_state
              from ticket_sla_clocks c
              join sla_policies p on p.id = c.policy_id
             cross join lateral (select sla_response_ms(c, n.now),
                                        sla_resolution_ms(c, n.now)
                                   from (select hd_now() as now) n
                                 offset 0) e (response_ms, resolution_ms)
             where c.ticket_id = p_ticket) s
$$;


-- One attachment with the caller's relations to its ticket, as
-- ticket_access() gives them (and so with its principal check), and
-- whether it belongs to an internal comment.  Always one row: ticket_id
-- and the rest are null when there is no such attachment on a live ticket.
drop function attachment_access(uuid, uuid);

create function attachment_access(p_id uuid, p_user uuid,
                                  p_authz_version bigint, p_teams uuid[])
returns table (fresh boolean, ticket_id uuid, is_requester boolean,
               is_watcher boolean, is_assignee boolean, in_team boolean,
               internal boolean, object_key text, filename text, mime text,
               bytes bigint)
language sql stable
as $$
    select ta.fresh, ta.id, ta.is_requester, ta.is_watcher, ta.is_assignee,
           ta.in_team, coalesce(c.is_internal, false), a.object_key,
           a.filename, a.mime, a.bytes
      from (select p_id) wanted (id)
      left join attachments a on a.id = wanted.id
      cross join lateral ticket_access(a.ticket_id, null, p_user,
                                       p_authz_version, p_teams) ta
      left join ticket_comments c on c.id = a.comment_id
$$;
