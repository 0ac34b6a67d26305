-- 0012_email_in: turning inbound mail into tickets and comments.
--
-- helpdesk-worker stores each raw message first (the attachment store, and
-- an email_inbound row keyed by its Message-ID in status 'received'), then
-- parses it and calls email_ingest() once: in that one transaction the
-- sender becomes a user (or the mail is quarantined), the mail is threaded
-- (In-Reply-To, References, the [#TKT-n] subject tag, else a new ticket),
-- the ticket or comment and its attachments are written, and the row
-- records which rule matched.  Only after that commit is the mail flagged
-- \Seen, so a crash anywhere re-fetches it and the key dedupes it.


-- A new ticket opened because the sender of a reply may not write on the
-- ticket it threads to points at that ticket.
alter table email_inbound
    add column linked_ticket_id uuid references tickets (id)
        on delete set null;

-- The per-sender rate limit counts the tickets mail opened lately.
create index email_inbound_from_addr_processed_at_idx
    on email_inbound (from_addr, processed_at)
    where match_rule in ('new_ticket', 'new_linked_ticket');

create index email_inbound_received_at_idx on email_inbound (received_at)
    where status = 'received';


-- The live ticket a set of message ids belongs to: an inbound or outbound
-- mail with one of those ids, or our own thread root
-- "ticket-<uuid>@domain" (outbound References carry it).  The newest
-- match wins; null when none.  Outbound ids are stored in angle brackets,
-- inbound ones without: both forms are looked up by the unique index.
-- (plpgsql, not sql: called from plpgsql, an SQL function would be parsed
-- and planned again on every call.)
create function email_thread_ticket(p_ids text[]) returns uuid
language plpgsql stable
as $$
begin
    -- The candidates first, then a primary-key probe of tickets each: a
    -- join could put all tickets on the outer side of a nested loop when
    -- the statistics lag behind a burst of new tickets.
    return (
        with m as materialized (
            select i.ticket_id as id, i.created_at
              from email_inbound i
             where i.message_id = any (p_ids) and i.ticket_id is not null
            union all
            select o.ticket_id, o.created_at
              from email_outbound o
             where o.ticket_id is not null
               and o.message_id = any (p_ids || array(
                       select '<' || x || '>' from unnest(p_ids) x))
            union all
            select substring(r from '^ticket-([0-9a-fA-F-]{36})@')::uuid,
                   now()
              from unnest(p_ids) r
             where r ~ '^ticket-[0-9a-fA-F-]{36}@')
        select m.id
          from m
         where exists (select from tickets t
                        where t.id = m.id and t.deleted_at is null)
         order by m.created_at desc
         limit 1);
end
$$;


-- May p_user write on ticket p_ticket by mail?  Its requester, a watcher,
-- its assignee, or anyone with a role above requester.
create function email_may_append(p_user uuid, p_ticket uuid) returns boolean
language plpgsql stable
as $$
begin
    return exists (select from tickets t
                    where t.id = p_ticket
                      and (t.requester_id = p_user
                           or t.assignee_id = p_user))
        or exists (select from ticket_watchers w
                    where w.ticket_id = p_ticket and w.user_id = p_user)
        or exists (select from user_roles ur
                     join roles r on r.id = ur.role_id
                    where ur.user_id = p_user and r.key <> 'requester');
end
$$;


-- Marks inbound mail p_id quarantined with p_error (kept, listed for
-- admins, re-runnable); p_mail (may be null) is kept as parsed_json.
create function email_quarantine(p_id uuid, p_error text, p_mail jsonb)
returns jsonb
language sql
as $$
    update email_inbound
       set status = 'quarantined', error = p_error,
           from_addr = coalesce(p_mail ->> 'from_addr', from_addr),
           subject = coalesce(p_mail ->> 'subject', subject),
           parsed_json = coalesce(p_mail, parsed_json),
           processed_at = now(), updated_at = now()
     where id = p_id
    returning jsonb_build_object('status', 'quarantined', 'error', p_error)
$$;


-- Turns the parsed mail p_mail into a ticket or a comment, in one
-- transaction, for the email_inbound row p_id (which must be 'received';
-- any other status answers {"status": <it>, "again": true} and changes
-- nothing, so processing is idempotent).
--
-- p_mail (built by worker/wk_mime.c): from_addr, from_name, subject,
-- in_reply_to and references (arrays of ids without brackets),
-- subject_tag (ticket number or null), body (the whole text), reply
-- (the text without the quoted original), attachments [{key, filename,
-- mime, bytes}], autoreply_block (null when an acknowledgement may be
-- sent, else why not).  p_opts: auto_create (a requester for an unknown
-- sender, else quarantine), rate_limit (new tickets per sender per hour;
-- 0 = none).
--
-- Answers {"status": "processed", "match_rule", "ticket_id", "number",
-- "comment_id", "ack"} or {"status": "quarantined", "error"}.
create function email_ingest(p_id uuid, p_mail jsonb, p_opts jsonb)
returns jsonb
language plpgsql
as $$
declare
    row      email_inbound;
    addr     citext := nullif(btrim(p_mail ->> 'from_addr'), '');
    u        users;
    tid      uuid;
    linked   uuid;
    rule     text;
    cid      uuid;
    num      bigint;
    ack      boolean := false;
    res      record;
    recent   int;
    title    text;
    body     text;
begin
    select * into row from email_inbound where id = p_id for update;

    if not found then
        return jsonb_build_object('status', 'missing');
    end if;

    if row.status <> 'received' then
        return jsonb_build_object('status', row.status, 'again', true);
    end if;

    if addr is null or addr !~ '^[^@[:space:]]+@[^@[:space:]]+$' then
        return email_quarantine(p_id, 'no usable sender address', p_mail);
    end if;

    select * into u from users where email = addr;

    if not found then
        if not coalesce((p_opts ->> 'auto_create')::boolean, false) then
            return email_quarantine(p_id,
                'unknown sender ' || addr || ' (auto-create is off)', p_mail);
        end if;

        insert into users (email, display_name)
            values (addr, left(coalesce(nullif(btrim(p_mail ->> 'from_name'),
                                               ''),
                                        split_part(addr, '@', 1)), 200))
            returning * into u;

        insert into user_roles (user_id, role_id)
            select u.id, r.id from roles r where r.key = 'requester';

        perform audit_append('system', null, 'user', u.id, 'user.created',
                             jsonb_build_object('source', 'email',
                                                'roles', '["requester"]'::jsonb),
                             null, 'helpdesk-worker email');
    end if;

    if not u.active then
        return email_quarantine(p_id, 'sender ' || addr || ' is deactivated',
                                p_mail);
    end if;

    -- threading, layered
    tid := email_thread_ticket(array(select jsonb_array_elements_text(
                                            p_mail -> 'in_reply_to')));
    if tid is not null then
        rule := 'in_reply_to';
    else
        tid := email_thread_ticket(array(select jsonb_array_elements_text(
                                                p_mail -> 'references')));
        if tid is not null then
            rule := 'references';
        elsif (p_mail ->> 'subject_tag') is not null then
            select id into tid from tickets
             where number = (p_mail ->> 'subject_tag')::bigint
               and deleted_at is null;
            if found then
                rule := 'subject_tag';
            end if;
        end if;
    end if;

    if tid is not null and not email_may_append(u.id, tid) then
        linked := tid;
        tid := null;
        rule := 'new_linked_ticket';
    end if;

    if tid is not null then
        body := coalesce(nullif(btrim(p_mail ->> 'reply'), ''),
                         nullif(btrim(p_mail ->> 'body'), ''),
                         '(empty message)');
        select * into res from comment_add(u.id, tid, body, false, null,
                                           'helpdesk-worker email');
        if res.status <> 201 then
            return email_quarantine(p_id, 'comment refused: '
                                    || coalesce(res.body ->> 'detail',
                                                res.status::text), p_mail);
        end if;
        cid := (res.body ->> 'id')::uuid;
        update ticket_comments set via_email_msg_id = row.message_id
         where id = cid;
    else
        recent := (select count(*) from email_inbound
                    where from_addr = addr
                      and match_rule in ('new_ticket', 'new_linked_ticket')
                      and processed_at > now() - interval '1 hour');
        if coalesce((p_opts ->> 'rate_limit')::int, 0) > 0
           and recent >= (p_opts ->> 'rate_limit')::int
        then
            return email_quarantine(p_id, format(
                'rate limit: %s already opened %s tickets by mail in the '
                'last hour', addr, recent), p_mail);
        end if;

        title := left(coalesce(nullif(btrim(regexp_replace(
                          p_mail ->> 'subject', '[[:cntrl:]]+', ' ', 'g')),
                          ''), '(no subject)'), 300);
        body := coalesce(p_mail ->> 'body', '');
        if linked is not null then
            body := format('(Follows up TKT-%s, which the sender may not '
                           'write on.)', (select number from tickets
                                          where id = linked))
                    || E'\n\n' || body;
        end if;

        select * into res from ticket_create(u.id, jsonb_build_object(
            'title', title, 'description', body, 'requester_id', u.id,
            'source', 'email'), null, 'helpdesk-worker email');
        if res.status <> 201 then
            return email_quarantine(p_id, 'ticket refused: '
                                    || coalesce(res.body ->> 'detail',
                                                res.status::text), p_mail);
        end if;
        tid := (res.body ->> 'id')::uuid;
        rule := coalesce(rule, 'new_ticket');

        if p_mail ->> 'autoreply_block' is null then
            insert into jobs (kind, payload, dedupe_key)
                values ('email.acknowledge',
                        jsonb_build_object('ticket_id', tid,
                                           'inbound_id', p_id),
                        'email.acknowledge:' || p_id)
                on conflict (dedupe_key) do nothing;
            ack := true;
        end if;
    end if;

    insert into attachments (ticket_id, comment_id, uploader_id, object_key,
                             filename, bytes, mime)
        select tid, cid, u.id, a ->> 'key', a ->> 'filename',
               (a ->> 'bytes')::bigint, a ->> 'mime'
          from jsonb_array_elements(coalesce(p_mail -> 'attachments', '[]'))
               a;

    select number into num from tickets where id = tid;

    update email_inbound
       set status = 'processed', match_rule = rule, ticket_id = tid,
           comment_id = cid, linked_ticket_id = linked, error = null,
           from_addr = addr, subject = p_mail ->> 'subject',
           parsed_json = p_mail, processed_at = now(), updated_at = now()
     where id = p_id;

    return jsonb_build_object('status', 'processed', 'match_rule', rule,
                              'ticket_id', tid, 'number', num,
                              'comment_id', cid, 'ack', ack);
end
$$;


-- Quarantined mail for admins, newest first.
create function email_quarantine_list() returns json
language sql stable
as $$
    select json_build_object('items', coalesce(json_agg(json_build_object(
               'id', i.id, 'message_id', i.message_id, 'mailbox', i.mailbox,
               'from_addr', i.from_addr, 'subject', i.subject,
               'error', i.error, 'received_at', i.received_at)
               order by i.received_at desc, i.id), '[]'))
      from email_inbound i
     where i.status = 'quarantined'
$$;

-- Records a raw message already in the attachment store under p_key,
-- keyed by p_message_id, in status 'received' (the worker takes it from
-- there); a key seen before answers that row with duplicate true.  Used by
-- the IMAP poller and the inbound webhook alike.
create function email_receive(p_message_id text, p_mailbox text, p_key text)
returns table (id uuid, status text, duplicate boolean)
language sql
as $$
    with ins as (
        insert into email_inbound (message_id, mailbox, raw_store_key)
            values (p_message_id, p_mailbox, p_key)
            on conflict (message_id) do nothing
        returning email_inbound.id, email_inbound.status)
    select ins.id, ins.status, false from ins
    union all
    select i.id, i.status, true
      from email_inbound i
     where i.message_id = p_message_id and not exists (select from ins)
$$;

-- Puts quarantined mail p_id back to 'received' for the worker to process
-- again, as p_actor (an admin; audited as email.retried): {id, status},
-- or null when there is no such quarantined mail.
create function email_retry(p_id uuid, p_actor uuid, p_ip inet, p_ua text)
returns json
language plpgsql
as $$
begin
    update email_inbound
       set status = 'received', error = null, processed_at = null,
           updated_at = now()
     where id = p_id and status = 'quarantined';

    if not found then
        return null;
    end if;

    perform audit_append('user', p_actor, 'email_inbound', p_id,
                         'email.retried', '{}'::jsonb, p_ip, p_ua);

    return json_build_object('id', p_id, 'status', 'received');
end
$$;
