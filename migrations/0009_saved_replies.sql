-- 0009_saved_replies: canned answers an agent drops into a ticket, with
-- placeholders ({{ticket.number}}, {{requester.name}} …) that core fills
-- in for the ticket at hand.
--
-- The spine (0001) holds saved_replies: owner_id null is a reply shared
-- with every agent, else the owner's own; a title is unique per owner (and
-- among the shared ones).  Core decides who may do what (saved_reply.use,
-- saved_reply.admin in core/hd_rbac.c, and that a personal reply is its
-- owner's alone) on saved_reply_access()'s answer, and checks a body's
-- placeholders (core/hd_tmpl.h) before it is saved; these functions read
-- and write the rows.  Like 0004, each write answers (status, body),
-- records its audit event in the caller's single statement, and answers a
-- 4xx only before it has written anything.


-- A reply as the API shows it.
create function saved_reply_json(r saved_replies) returns json
language sql stable
as $$
    select json_build_object('id', r.id, 'title', r.title,
                             'body_md', r.body_md,
                             'shared', r.owner_id is null,
                             'owner_id', r.owner_id,
                             'version', r.version,
                             'created_at', r.created_at,
                             'updated_at', r.updated_at)
$$;

-- The replies p_user may use: the shared ones and their own, by title
-- whatever the database's collation ("alpha" before "Bravo"; a shared
-- reply before a personal one of the same title).
create function saved_replies_list(p_user uuid) returns json
language sql stable
as $$
    select json_build_object('items', coalesce(json_agg(saved_reply_json(r)
                                 order by lower(r.title), r.title,
                                          r.owner_id nulls first, r.id),
                                 '[]'))
      from saved_replies r
     where r.owner_id is null or r.owner_id = p_user
$$;

-- What core needs to decide about one reply: whether it is shared, whether
-- it is p_user's, and its version; no row when there is no such reply.
create function saved_reply_access(p_id uuid, p_user uuid)
returns table (id uuid, shared boolean, is_owner boolean, version int)
language sql stable
as $$
    select r.id, r.owner_id is null, coalesce(r.owner_id = p_user, false),
           r.version
      from saved_replies r
     where r.id = p_id
$$;

-- The 409 for a title the owner (or the shared replies) already use.
create function saved_reply_title_taken(p_shared boolean, p_title text)
returns table (status int, body json)
language sql immutable
as $$
    select 409, json_build_object('detail',
        format('there is already a %s saved reply titled "%s"',
               case when p_shared then 'shared' else 'personal' end,
               left(p_title, 200)));
$$;

-- Saves a new reply, shared with every agent (p_shared) or p_actor's own:
-- 201 with it, or 409 when the title is taken.  Audit event
-- saved_reply.created.
create function saved_reply_create(p_actor uuid, p_shared boolean,
                                   p_title text, p_body text, p_ip inet,
                                   p_ua text)
returns table (status int, body json)
language plpgsql
as $$
declare
    r  saved_replies;
begin
    insert into saved_replies (owner_id, title, body_md)
        values (case when p_shared then null else p_actor end, p_title,
                p_body)
        on conflict do nothing
        returning * into r;

    if not found then
        return query select * from saved_reply_title_taken(p_shared,
                                                            p_title);
        return;
    end if;

    perform audit_append('user', p_actor, 'saved_reply', r.id,
                         'saved_reply.created',
                         jsonb_build_object('title', r.title,
                                            'shared', r.owner_id is null,
                                            'body_md', r.body_md),
                         p_ip, p_ua);

    return query select 201, saved_reply_json(r);
end
$$;

-- Changes a reply's title and/or body (NULL: leave as is) if it is still
-- at p_version: 200 with it; 404 when it is gone; 409 with current_version
-- when stale, or when the new title is taken.  One audit event
-- saved_reply.updated with the diff {field: [before, after]}; nothing
-- changes, and nothing is recorded, when the values are already so.
create function saved_reply_update(p_actor uuid, p_id uuid, p_version int,
                                   p_title text, p_body text, p_ip inet,
                                   p_ua text)
returns table (status int, body json)
language plpgsql
as $$
declare
    old_r  saved_replies;
    new_r  saved_replies;
    diff   jsonb;
begin
    select * into old_r from saved_replies where id = p_id for update;

    if not found then
        return query select 404, null::json;
        return;
    end if;

    if old_r.version <> p_version then
        return query select 409, json_build_object(
            'detail', format('the saved reply is at version %s, not %s',
                             old_r.version, p_version),
            'current_version', old_r.version);
        return;
    end if;

    new_r := old_r;
    new_r.title := coalesce(p_title, old_r.title);
    new_r.body_md := coalesce(p_body, old_r.body_md);

    diff := jsonb_strip_nulls(jsonb_build_object(
        'title', case when new_r.title <> old_r.title
                      then jsonb_build_array(old_r.title, new_r.title) end,
        'body_md', case when new_r.body_md <> old_r.body_md
                        then jsonb_build_array(old_r.body_md,
                                               new_r.body_md) end));

    if diff = '{}' then
        return query select 200, saved_reply_json(old_r);
        return;
    end if;

    if diff ? 'title'
       and exists (select from saved_replies r
                    where r.owner_id is not distinct from old_r.owner_id
                      and r.title = new_r.title and r.id <> p_id)
    then
        return query select * from saved_reply_title_taken(
            old_r.owner_id is null, new_r.title);
        return;
    end if;

    update saved_replies
       set title = new_r.title, body_md = new_r.body_md
     where id = p_id and version = p_version
     returning * into new_r;

    perform audit_append('user', p_actor, 'saved_reply', p_id,
                         'saved_reply.updated',
                         diff || jsonb_build_object('shared',
                                                    old_r.owner_id is null),
                         p_ip, p_ua);

    return query select 200, saved_reply_json(new_r);
end
$$;

-- Deletes a reply: 204, or 404 when it is gone.  Audit event
-- saved_reply.deleted with what it said.
create function saved_reply_delete(p_actor uuid, p_id uuid, p_ip inet,
                                   p_ua text)
returns table (status int, body json)
language plpgsql
as $$
declare
    r  saved_replies;
begin
    delete from saved_replies where id = p_id returning * into r;

    if not found then
        return query select 404, null::json;
        return;
    end if;

    perform audit_append('user', p_actor, 'saved_reply', p_id,
                         'saved_reply.deleted',
                         jsonb_build_object('title', r.title,
                                            'shared', r.owner_id is null,
                                            'body_md', r.body_md),
                         p_ip, p_ua);

    return query select 204, null::json;
end
$$;

-- What rendering reply p_reply for ticket p_ticket needs: the reply's
-- body, and the ticket's and its requester's values as placeholders show
-- them (the status by its label); no row unless p_user may use the reply
-- (shared, or theirs) and the ticket is there.  Whether p_user may see the
-- ticket core decided already; the agent's own values core knows.
create function saved_reply_render_values(p_reply uuid, p_ticket uuid,
                                          p_user uuid)
returns table (body_md text, ticket_number text, ticket_title text,
               ticket_status text, ticket_priority text,
               requester_name text, requester_email text)
language sql stable
as $$
    select r.body_md, 'TKT-' || t.number, t.title, s.label, t.priority,
           u.display_name, u.email::text
      from saved_replies r
      join tickets t on t.id = p_ticket and t.deleted_at is null
      join ticket_statuses s on s.key = t.status
      join users u on u.id = t.requester_id
     where r.id = p_reply and (r.owner_id is null or r.owner_id = p_user)
$$;
