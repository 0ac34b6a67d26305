-- 0005_work_tools: the agent's work tools — watchers, soft delete, round
-- robin within a team (team_round_robin and a trigger on tickets), and
-- bulk changes (ticket_bulk, all or none).
--
-- Like 0004, every write is one function that answers (status, body) and
-- records, in the caller's single statement, its audit event and its
-- outbox jobs; a 4xx is answered only before anything was written.


-- ---------------------------------------------------------------------------
-- Watchers
-- ---------------------------------------------------------------------------

-- A ticket's watchers, oldest first, as GET /api/tickets/{id}/watchers
-- shows them.
create function ticket_watchers_json(p_ticket uuid) returns json
language sql stable
as $$
    select json_build_object('items', coalesce(json_agg(json_build_object(
               'user_id', u.id, 'display_name', u.display_name,
               'email', u.email, 'since', w.created_at)
               order by w.created_at, u.id), '[]'))
      from ticket_watchers w join users u on u.id = w.user_id
     where w.ticket_id = p_ticket
$$;

-- Makes p_user watch p_ticket (the API decided that the caller may): any
-- active user may be added, and watching is what lets a requester see the
-- ticket.  201 with the watchers when added, 200 when they already watched
-- (nothing recorded then); 422 for a user who is not an active one.
-- Audit event ticket.watcher_added, job ticket.watcher_added.
create function watcher_add(p_actor uuid, p_ticket uuid, p_user uuid,
                            p_ip inet, p_ua text)
returns table (status int, body json)
language plpgsql
as $$
declare
    n  bigint;
begin
    select number into n from tickets
     where id = p_ticket and deleted_at is null;

    if not found then
        return query select 404, null::json;
        return;
    end if;

    if not exists (select from users where id = p_user and active) then
        return query select 422, json_build_object('detail',
            'user_id names no active user');
        return;
    end if;

    insert into ticket_watchers (ticket_id, user_id)
        values (p_ticket, p_user)
        on conflict do nothing;

    if not found then
        return query select 200, ticket_watchers_json(p_ticket);
        return;
    end if;

    perform audit_append('user', p_actor, 'ticket', p_ticket,
                         'ticket.watcher_added',
                         jsonb_build_object('user_id', p_user), p_ip, p_ua);

    insert into jobs (kind, payload)
        values ('ticket.watcher_added',
                jsonb_build_object('ticket_id', p_ticket, 'number', n,
                                   'actor_id', p_actor, 'user_id', p_user));

    return query select 201, ticket_watchers_json(p_ticket);
end
$$;

-- Stops p_user watching p_ticket: 204, or 404 when they did not watch it.
-- Audit event ticket.watcher_removed, job ticket.watcher_removed.
create function watcher_remove(p_actor uuid, p_ticket uuid, p_user uuid,
                               p_ip inet, p_ua text)
returns table (status int, body json)
language plpgsql
as $$
declare
    n  bigint;
begin
    select number into n from tickets
     where id = p_ticket and deleted_at is null;

    if not found then
        return query select 404, null::json;
        return;
    end if;

    delete from ticket_watchers
     where ticket_id = p_ticket and user_id = p_user;

    if not found then
        return query select 404, json_build_object('detail',
            'that user does not watch this ticket');
        return;
    end if;

    perform audit_append('user', p_actor, 'ticket', p_ticket,
                         'ticket.watcher_removed',
                         jsonb_build_object('user_id', p_user), p_ip, p_ua);

    insert into jobs (kind, payload)
        values ('ticket.watcher_removed',
                jsonb_build_object('ticket_id', p_ticket, 'number', n,
                                   'actor_id', p_actor, 'user_id', p_user));

    return query select 204, null::json;
end
$$;


-- ---------------------------------------------------------------------------
-- Soft delete
-- ---------------------------------------------------------------------------

-- Marks p_ticket deleted: from then on no read or write finds it (every
-- query of 0004 asks for deleted_at is null), while its rows and its audit
-- trail stay.  204, or 404 when there is no such undeleted ticket.  Audit
-- event ticket.deleted, job ticket.deleted.
create function ticket_delete(p_actor uuid, p_ticket uuid, p_ip inet,
                              p_ua text)
returns table (status int, body json)
language plpgsql
as $$
declare
    t  tickets;
begin
    update tickets set deleted_at = now()
     where id = p_ticket and deleted_at is null
     returning * into t;

    if not found then
        return query select 404, null::json;
        return;
    end if;

    perform audit_append('user', p_actor, 'ticket', p_ticket,
                         'ticket.deleted',
                         jsonb_build_object('number', t.number,
                                            'title', t.title,
                                            'status', t.status),
                         p_ip, p_ua);

    insert into jobs (kind, payload)
        values ('ticket.deleted',
                jsonb_build_object('ticket_id', p_ticket,
                                   'number', t.number,
                                   'actor_id', p_actor));

    return query select 204, null::json;
end
$$;


-- ---------------------------------------------------------------------------
-- Round robin within a team
-- ---------------------------------------------------------------------------

-- Where each round-robin team's rotation stands: the member it assigned
-- last.  One row per team, locked while the next member is picked, so
-- concurrent creates take turns.
create table team_round_robin (
    team_id       uuid primary key references teams (id) on delete cascade,
    last_user_id  uuid references users (id) on delete set null,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);

create trigger team_round_robin_set_updated_at
    before update on team_round_robin
    for each row execute function set_updated_at();

grant select, insert, update on team_round_robin to helpdesk_app;

-- The member of p_team whose turn it is, or null when the team is not an
-- active round-robin team or has nobody to assign.  Eligible are members
-- who may be assigned tickets (is_assignable: active, a role above
-- requester), in the order of their ids; the turn passes to the first one
-- after the last assigned, wrapping around, and is recorded.  Locks the
-- team's rotation row until the transaction ends.
create function round_robin_next(p_team uuid) returns uuid
language plpgsql
as $$
declare
    last_u  uuid;
    next_u  uuid;
begin
    if not exists (select from teams
                    where id = p_team and active and round_robin)
    then
        return null;
    end if;

    insert into team_round_robin (team_id) values (p_team)
        on conflict do nothing;

    select last_user_id into last_u from team_round_robin
     where team_id = p_team
       for update;

    select m.user_id into next_u
      from team_members m
     where m.team_id = p_team and is_assignable(m.user_id)
     order by (last_u is not null and m.user_id <= last_u), m.user_id
     limit 1;

    if next_u is not null then
        update team_round_robin set last_user_id = next_u
         where team_id = p_team;
    end if;

    return next_u;
end
$$;

-- Trigger: a ticket created in, or moved to, a round-robin team without an
-- assignee being given goes to the member whose turn it is.  "Given" means
-- a create naming assignee_id, or an update changing it; so a move keeping
-- the old assignee is assigned anew.  The assignment is its own audit
-- event (ticket.assigned, by the system, {assignee_id: [before, after],
-- team_id, rule}); for a new ticket it is appended when the transaction
-- commits (tickets_round_robin_audit), so that it follows ticket.created,
-- and comes with a ticket.assigned job (an update's job comes from
-- ticket_update, which sees the team change).
create function tickets_round_robin() returns trigger
language plpgsql
as $$
declare
    before_u  uuid;
begin
    if new.team_id is null or new.deleted_at is not null then
        return new;
    end if;

    if tg_op = 'INSERT' then
        if new.assignee_id is not null then
            return new;
        end if;
    elsif new.team_id is not distinct from old.team_id
          or new.assignee_id is distinct from old.assignee_id
    then
        return new;
    end if;

    before_u := new.assignee_id;
    new.assignee_id := coalesce(round_robin_next(new.team_id),
                                new.assignee_id);

    if new.assignee_id is not distinct from before_u then
        return new;
    end if;

    if tg_op = 'UPDATE' then
        perform round_robin_audit(new.id, before_u, new.assignee_id,
                                  new.team_id);
    else
        perform set_config('helpdesk.round_robin_'
                           || replace(new.id::text, '-', ''), 'yes', true);

        insert into jobs (kind, payload)
            values ('ticket.assigned',
                    jsonb_build_object('ticket_id', new.id,
                                       'number', new.number,
                                       'actor_id', null,
                                       'assignee_id', new.assignee_id,
                                       'team_id', new.team_id,
                                       'rule', 'round_robin'));
    end if;

    return new;
end
$$;

create trigger tickets_round_robin
    before insert or update of team_id, assignee_id on tickets
    for each row execute function tickets_round_robin();

-- The audit event of a round-robin assignment.
create function round_robin_audit(p_ticket uuid, p_before uuid,
                                  p_after uuid, p_team uuid)
returns void
language sql
as $$
    select audit_append('system', null, 'ticket', p_ticket,
                        'ticket.assigned',
                        jsonb_build_object('assignee_id',
                                           jsonb_build_array(p_before,
                                                             p_after),
                                           'team_id', p_team,
                                           'rule', 'round_robin'),
                        null, null);
$$;

-- Trigger, at commit: the audit event of a new ticket's round-robin
-- assignment, which tickets_round_robin() marked in a setting local to the
-- transaction.
create function tickets_round_robin_audit() returns trigger
language plpgsql
as $$
begin
    if coalesce(current_setting('helpdesk.round_robin_'
                                || replace(new.id::text, '-', ''), true),
                '') = 'yes'
    then
        perform round_robin_audit(new.id, null, new.assignee_id,
                                  new.team_id);
    end if;

    return null;
end
$$;

create constraint trigger tickets_round_robin_audit
    after insert on tickets
    deferrable initially deferred
    for each row execute function tickets_round_robin_audit();


-- ---------------------------------------------------------------------------
-- Bulk changes
-- ---------------------------------------------------------------------------

-- Applies p_set (validated: any of status, assignee_id, priority, team_id;
-- a null assignee_id or team_id clears it) to every ticket in p_ids, or to
-- none.  p_rels is the set of relations under which the caller may make
-- these changes (as ticket list's: 'requester', 'watcher', 'assignee',
-- 'team'), or null when they may make them on any ticket.  Each ticket goes
-- through ticket_update(), so each change is checked (the transition, the
-- assignee, the team) and recorded (status history, audit event, jobs) as
-- a PATCH would be.  200 {items: [ticket summaries]}; or, when any ticket
-- is unknown, deleted, out of the caller's reach or refuses the change,
-- 422 {detail, errors: [{id, detail}]} and nothing is written.
create function ticket_bulk(p_actor uuid, p_ids uuid[], p_set jsonb,
                            p_rels text[], p_ip inet, p_ua text)
returns table (status int, body json)
language plpgsql
as $$
declare
    t          tickets;
    r          record;
    errs       jsonb := '[]';
    found_ids  uuid[] := '{}';
    asked      int := (select count(distinct i) from unnest(p_ids) i);
begin
    -- lock in id order, so that two bulk changes cannot deadlock
    for t in
        select * from tickets tk
         where tk.id = any(p_ids) and tk.deleted_at is null
           and (p_rels is null
                or ('requester' = any(p_rels) and tk.requester_id = p_actor)
                or ('assignee' = any(p_rels) and tk.assignee_id = p_actor)
                or ('watcher' = any(p_rels) and exists (
                        select from ticket_watchers w
                         where w.ticket_id = tk.id and w.user_id = p_actor))
                or ('team' = any(p_rels) and exists (
                        select from team_members m
                          join teams tm on tm.id = m.team_id and tm.active
                         where m.team_id = tk.team_id
                           and m.user_id = p_actor)))
         order by tk.id
           for update
    loop
        found_ids := found_ids || t.id;
    end loop;

    select coalesce(jsonb_agg(jsonb_build_object('id', d.i,
                        'detail', 'no such ticket') order by d.i), '[]')
      into errs
      from (select distinct i from unnest(p_ids) i) d
     where not d.i = any(found_ids);

    begin
        for t in select * from tickets where id = any(found_ids)
                  order by id
        loop
            begin
                select u.status, u.body into r
                  from ticket_update(p_actor, t.id, t.version, p_set, null,
                                     p_ip, p_ua) u;
                if r.status <> 200 then
                    errs := errs || jsonb_build_object('id', t.id,
                        'detail', coalesce(r.body ->> 'detail',
                                           'the change was refused'));
                end if;
            exception
                when integrity_constraint_violation then
                    errs := errs || jsonb_build_object('id', t.id,
                        'detail', 'the change breaks a rule of the ticket');
            end;
        end loop;

        if errs <> '[]' then
            raise exception using errcode = 'HD001';
        end if;
    exception
        when sqlstate 'HD001' then
            null;       -- every change above is rolled back
    end;

    if errs <> '[]' then
        return query select 422, json_build_object(
            'detail', format('%s of %s tickets cannot take this change; '
                             'none was changed', jsonb_array_length(errs),
                             asked),
            'errors', errs);
        return;
    end if;

    return query select 200, json_build_object('items',
        (select json_agg(ticket_summary_json(tk) order by tk.number)
           from tickets tk where tk.id = any(found_ids)));
end
$$;
