-- 0006_attachments: recording files attached to tickets.
--
-- The bytes live outside the database, in a content-addressed store the
-- nginx module writes (object_key "ab/cd/<sha256 hex>", so one file
-- uploaded twice is stored once); a row here is what makes a stored file
-- an attachment, and what the download checks before nginx serves it.
-- attachment_add() records the row, its audit event and its outbox job in
-- one statement.


-- Records an upload the caller was allowed to make (the API checked the
-- policy on ticket_access()'s answer a moment before): 201 with the
-- attachment, or 404 when the ticket went away meanwhile.
create function attachment_add(p_actor uuid, p_ticket uuid, p_key text,
                               p_filename text, p_bytes bigint, p_mime text,
                               p_ip inet, p_ua text)
returns table (status int, body json)
language plpgsql
as $$
declare
    a  attachments;
    n  bigint;
begin
    select number into n from tickets
     where id = p_ticket and deleted_at is null
       for key share;

    if not found then
        return query select 404, json_build_object('detail',
                                                   'no such ticket');
        return;
    end if;

    insert into attachments (ticket_id, uploader_id, object_key, filename,
                             bytes, mime)
        values (p_ticket, p_actor, p_key, p_filename, p_bytes, p_mime)
        returning * into a;

    perform audit_append('user', p_actor, 'ticket', p_ticket,
                         'attachment.added',
                         jsonb_build_object('attachment_id', a.id,
                                            'filename', a.filename,
                                            'bytes', a.bytes,
                                            'mime', a.mime,
                                            'sha256', right(a.object_key, 64)),
                         p_ip, p_ua);

    insert into jobs (kind, payload)
        values ('ticket.attachment_added',
                jsonb_build_object('ticket_id', p_ticket, 'number', n,
                                   'actor_id', p_actor,
                                   'attachment_id', a.id));

    return query select 201, attachment_json(a);
end
$$;

create function attachment_json(a attachments) returns json
language sql stable
as $$
    select json_build_object('id', a.id, 'ticket_id', a.ticket_id,
                             'comment_id', a.comment_id,
                             'filename', a.filename, 'bytes', a.bytes,
                             'mime', a.mime,
                             'sha256', right(a.object_key, 64),
                             'uploader', (select json_build_object(
                                              'id', u.id,
                                              'display_name', u.display_name)
                                            from users u
                                           where u.id = a.uploader_id),
                             'created_at', a.created_at,
                             'url', '/api/attachments/' || a.id)
$$;

-- One attachment with the caller's relations to its ticket (as
-- ticket_access() gives them) and whether it belongs to an internal
-- comment; no row when there is no such attachment on a live ticket.
create function attachment_access(p_id uuid, p_user uuid)
returns table (ticket_id uuid, is_requester boolean, is_watcher boolean,
               is_assignee boolean, in_team boolean, internal boolean,
               object_key text, filename text, mime text, bytes bigint)
language sql stable
as $$
    select ta.id, ta.is_requester, ta.is_watcher, ta.is_assignee, ta.in_team,
           coalesce(c.is_internal, false), a.object_key, a.filename, a.mime,
           a.bytes
      from attachments a
      cross join lateral ticket_access(a.ticket_id, null, p_user) ta
      left join ticket_comments c on c.id = a.comment_id
     where a.id = p_id
$$;

-- A ticket's attachments, oldest first; those of internal comments only
-- when p_internal.
create function attachments_list(p_ticket uuid, p_internal boolean)
returns json
language sql stable
as $$
    select json_build_object('items', coalesce(json_agg(attachment_json(a)
                                                        order by a.created_at,
                                                                 a.id), '[]'))
      from attachments a
      left join ticket_comments c on c.id = a.comment_id
     where a.ticket_id = p_ticket
       and (p_internal or not coalesce(c.is_internal, false))
$$;
