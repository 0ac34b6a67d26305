-- 0005_work_tools: the agent's work tools — watchers, soft delete, round
-- robin within a team, and bulk changes.
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
