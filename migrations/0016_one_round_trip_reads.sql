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
--
-- The ticket's document comes in that statement's columns, with the SLA
-- member (0010) made by a PL/pgSQL ticket_sla_json() whose helpers are now
-- inlined: 0010's was planned afresh on every call, which made one ticket
-- read cost about a millisecond of planning.


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


-- sla_part_json() (0010) was declared immutable around json_build_object(),
-- which is only stable (it formats timestamps in the session's zone): the
-- planner never inlines an immutable function whose body is not, so every
-- call was planned afresh (about 0.1 ms, twice per ticket document).
alter function sla_part_json(bigint, bigint, timestamptz, timestamptz,
                             boolean) stable;

-- The worse of two clock states, as 0010's sla_clock_state() ranks them:
-- breached, at_risk, paused, ok, met.  Each argument appears once, so the
-- planner inlines it whatever the arguments are.
create function sla_worse_state(p_a text, p_b text) returns text
language sql immutable
as $$
    select (array['breached', 'at_risk', 'paused', 'ok', 'met'])[
               least(array_position(array['breached', 'at_risk', 'paused',
                                          'ok', 'met'], p_a),
                     array_position(array['breached', 'at_risk', 'paused',
                                          'ok', 'met'], p_b))]
$$;

-- 0010's ticket_sla_json(), now PL/pgSQL: as an SQL function with a FROM
-- clause it was planned again on every call (once per row of a ticket
-- list), while PL/pgSQL keeps its plan for the session.  The business time
-- of each clock is computed once (offset 0 keeps the planner from copying
-- the cal_elapsed() calls into every use); sla_part_json() and
-- sla_worse_state() are inlined.
create or replace function ticket_sla_json(p_ticket uuid) returns json
language plpgsql stable
as $$
declare
    doc  json;
begin
    select json_build_object(
               'policy', json_build_object('id', p.id, 'name', p.name),
               'calendar_id', c.calendar_id,
               'state', sla_worse_state(
                            sla_state(e.response_ms, c.response_target_ms,
                                      c.responded_at, c.paused),
                            sla_state(e.resolution_ms,
                                      c.resolution_target_ms,
                                      c.resolved_at, c.paused)),
               'paused', c.paused,
               'reason', c.reason,
               'response', sla_part_json(e.response_ms, c.response_target_ms,
                                         c.response_due_at, c.responded_at,
                                         c.paused),
               'resolution', sla_part_json(e.resolution_ms,
                                           c.resolution_target_ms,
                                           c.resolution_due_at,
                                           c.resolved_at, c.paused))
      into doc
      from ticket_sla_clocks c
      join sla_policies p on p.id = c.policy_id
     cross join lateral (select sla_response_ms(c, n.now),
                                sla_resolution_ms(c, n.now)
                           from (select hd_now() as now) n
                         offset 0) e (response_ms, resolution_ms)
     where c.ticket_id = p_ticket;

    return doc;
end
$$;


-- The ticket named by id or by number (exactly one of them given) and how
-- p_user stands to it, with whether p_user's principal (at
-- p_authz_version, in teams p_teams) is still fresh.  Always one row:
-- fresh, then the ticket's columns, all null when there is no such
-- (undeleted) ticket; when fresh is false the caller must use none of
-- them (the principal is resolved again, and the read repeated).
--
-- The columns after in_team are the rest of the ticket's document as
-- ticket_json() shows it, for GET /api/tickets/{id}, which core assembles
-- from them (hd_api_tickets.c) instead of ticket_json()'s jsonb merge.
-- Timestamps come as json, formatted as json_build_object formats them;
-- the people, the team and the SLA clock as the json members they are,
-- each from a scalar subquery: a join per relation made every execution
-- set up projections as wide as the whole row at every level of the plan,
-- which cost more than the reads themselves (PostgreSQL sets up a cached
-- plan's every node and expression again on each execution).  For the same
-- reason the SLA member is ticket_sla_json()'s, called only for a ticket
-- that has a clock.  A caller that does not select these columns pays
-- nothing for them.
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
               updated_at json, sla json, description text,
               custom_json jsonb, requester json, assignee json, team json)
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
           to_json(t.updated_at),
           (select ticket_sla_json(c.ticket_id) from ticket_sla_clocks c
             where c.ticket_id = t.id),
           t.description, t.custom_json,
           (select json_build_object('id', u.id,
                                     'display_name', u.display_name,
                                     'email', u.email)
              from users u where u.id = t.requester_id),
           (select json_build_object('id', u.id,
                                     'display_name', u.display_name,
                                     'email', u.email)
              from users u where u.id = t.assignee_id),
           (select json_build_object('id', tm.id, 'name', tm.name)
              from teams tm where tm.id = t.team_id)
      from principal_fresh(p_user, p_authz_version) f
      left join tickets t
        on t.deleted_at is null
       and t.id = coalesce(p_id, (select n.id from tickets n
                                   where n.number = p_number))
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
