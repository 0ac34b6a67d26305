-- 0020_mail_in_writes_only: an inbound mail writes its ticket or comment
-- without rendering the API's answer, and the functions every mail calls
-- keep their plans.
--
-- Profiling `make bench-mail-in` (pg_stat_user_functions with
-- track_functions = all, and the same calls timed in a loop) found, per
-- mail, in the one ingest backend:
--
-- * ticket_create() and comment_add() render the document the API answers
--   (ticket_json(), comment_json()), which email_ingest() throws away.
--   Their writes are now ticket_insert() and comment_insert(); the API
--   functions call them and render, email_ingest() calls them only.
--   comment_insert() also records the Message-ID a comment came from in
--   the same insert, rather than in an update after it.
-- * sla_response_met() and audit_canonical() are SQL functions that cannot
--   be inlined (sub-selects; stable functions inside an immutable one), so
--   their bodies were planned again on every call.  They are PL/pgSQL now,
--   with the same queries.
-- * A PL/pgSQL statement whose parameter is null gets a custom plan in
--   which the planner folds the null away; that always looks cheaper than
--   the generic plan, so the statement is planned again on every call.
--   Mail tickets have no team and no assignee: sla_calendar_for(),
--   sla_policy_for() and ticket_refs_problem() were re-planned for each
--   mail.  They now branch on null before querying, with the same answers.
-- * email_thread_ticket() took a mail's ids as one array parameter: a
--   custom plan each call (about 2.5 ms of planning for a reply), and with
--   statistics lagging behind a burst of new tickets the plan hashed every
--   ticket to probe one.  It now looks each id up by the unique indexes and
--   probes tickets by primary key per candidate, plans kept.


-- ---------------------------------------------------------------------------
-- Planned once
-- ---------------------------------------------------------------------------

-- Same bytes as 0002's SQL version (worker/wk_audit.c and core/hd_audit.c
-- compute them independently to verify the chain).
create or replace function audit_canonical(e audit_events) returns bytea
language plpgsql immutable
as $$
begin
    return convert_to(concat_ws('|', 'v1', e.id::text, e.actor_type,
                                coalesce(e.actor_id::text, ''), e.entity_type,
                                coalesce(e.entity_id::text, ''), e.action,
                                encode(e.pii_digest, 'hex'),
                                (extract(epoch from e.at) * 1000000)::bigint),
                      'UTF8');
end
$$;

create or replace function sla_response_met(p_ticket uuid)
returns timestamptz
language plpgsql stable
as $$
begin
    return least(
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
          where s.category in ('resolved', 'closed')));
end
$$;

create or replace function sla_calendar_for(p_team uuid) returns uuid
language plpgsql stable
as $$
declare
    cal  uuid;
begin
    if p_team is not null then
        select coalesce(t.calendar_id, r.calendar_id) into cal
          from teams t
          left join regions r on r.id = t.region_id
         where t.id = p_team;
    end if;

    if cal is null then
        select c.id into cal from calendars c where c.is_default;
    end if;

    return cal;
end
$$;

create or replace function sla_policy_for(p_priority text, p_team uuid)
returns sla_policies
language plpgsql stable
as $$
declare
    pol  sla_policies;
begin
    if p_team is not null then
        select p.* into pol from sla_policies p
         where p.active and p.priority = p_priority
           and (p.team_id = p_team or p.team_id is null)
         order by p.team_id is null
         limit 1;
    else
        select p.* into pol from sla_policies p
         where p.active and p.priority = p_priority and p.team_id is null
         limit 1;
    end if;

    if not found then
        return null;
    end if;

    return pol;
end
$$;

create or replace function ticket_refs_problem(p_requester uuid,
                                               p_assignee uuid, p_team uuid)
returns json
language plpgsql stable
as $$
begin
    if p_requester is not null then
        if not exists (select from users where id = p_requester and active)
        then
            return json_build_object('detail',
                                     'requester_id names no active user');
        end if;
    end if;

    if p_assignee is not null then
        if not is_assignable(p_assignee) then
            return json_build_object('detail',
                                     'assignee_id names no active agent');
        end if;
    end if;

    if p_team is not null then
        if not exists (select from teams where id = p_team and active) then
            return json_build_object('detail',
                                     'team_id names no active team');
        end if;
    end if;

    return null;
end
$$;

-- As in 0012: the live ticket a set of message ids belongs to (an inbound
-- or outbound mail with one of those ids, or our own thread root
-- "ticket-<uuid>@domain"), the newest match winning; null when none.
create or replace function email_thread_ticket(p_ids text[]) returns uuid
language plpgsql stable
as $$
declare
    x        text;
    m        record;
    best     uuid;
    best_at  timestamptz;
begin
    foreach x in array coalesce(p_ids, '{}') loop
        for m in
            select i.ticket_id as id, i.created_at
              from email_inbound i
             where i.message_id = x and i.ticket_id is not null
            union all
            select o.ticket_id, o.created_at
              from email_outbound o
             where o.message_id in (x, '<' || x || '>')
               and o.ticket_id is not null
            union all
            select substring(x from '^ticket-([0-9a-fA-F-]{36})@')::uuid,
                   now()
             where x ~ '^ticket-[0-9a-fA-F-]{36}@'
        loop
            if (best_at is null or m.created_at > best_at)
               and exists (select from tickets t
                            where t.id = m.id and t.deleted_at is null)
            then
                best := m.id;
                best_at := m.created_at;
            end if;
        end loop;
    end loop;

    return best;
end
$$;


-- ---------------------------------------------------------------------------
-- Ticket and comment writes, without the API's answer
-- ---------------------------------------------------------------------------

-- ticket_create()'s writes (see there): status 201 with the new ticket's
-- id and number, or 400/422 with the problem document and no writes.
create function ticket_insert(p_actor uuid, p_fields jsonb, p_ip inet,
                              p_ua text)
returns table (status int, problem json, ticket_id uuid,
               ticket_number bigint)
language plpgsql
as $$
declare
    custom  jsonb := jsonb_strip_nulls(coalesce(p_fields -> 'custom_json',
                                                '{}'));
    errs    jsonb;
    refs    json;
    t       tickets;
begin
    errs := custom_json_errors(custom);
    if errs <> '[]' then
        return query select 400, json_build_object('detail',
            'custom_json does not match the custom fields', 'errors', errs),
            null::uuid, null::bigint;
        return;
    end if;

    if p_fields ->> 'team_id' is null
       and (p_fields ->> 'requester_id')::uuid <> p_actor
    then
        p_fields := p_fields || jsonb_build_object('team_id',
            (select m.team_id from team_members m
               join teams tm on tm.id = m.team_id and tm.active
              where m.user_id = p_actor order by tm.name limit 1));
    end if;

    refs := ticket_refs_problem((p_fields ->> 'requester_id')::uuid,
                                (p_fields ->> 'assignee_id')::uuid,
                                (p_fields ->> 'team_id')::uuid);
    if refs is not null then
        return query select 422, refs, null::uuid, null::bigint;
        return;
    end if;

    insert into tickets (title, description, requester_id, assignee_id,
                         team_id, priority, urgency, category, subcategory,
                         source, custom_json)
        values (p_fields ->> 'title',
                coalesce(p_fields ->> 'description', ''),
                (p_fields ->> 'requester_id')::uuid,
                (p_fields ->> 'assignee_id')::uuid,
                (p_fields ->> 'team_id')::uuid,
                coalesce(p_fields ->> 'priority', 'P3'),
                (p_fields ->> 'urgency')::smallint,
                p_fields ->> 'category', p_fields ->> 'subcategory',
                coalesce(p_fields ->> 'source', 'web'), custom)
        returning * into t;

    insert into ticket_status_history (ticket_id, from_status, to_status,
                                       actor_id)
        values (t.id, null, t.status, p_actor);

    perform audit_append('user', p_actor, 'ticket', t.id, 'ticket.created',
                         jsonb_strip_nulls(to_jsonb(t) - 'id' - 'version'
                                           - 'deleted_at' - 'created_at'
                                           - 'updated_at'),
                         p_ip, p_ua);

    insert into jobs (kind, payload)
        values ('ticket.created',
                jsonb_build_object('ticket_id', t.id, 'number', t.number,
                                   'actor_id', p_actor,
                                   'source', t.source));

    return query select 201, null::json, t.id, t.number;
end
$$;

create or replace function ticket_create(p_actor uuid, p_fields jsonb,
                                         p_ip inet, p_ua text)
returns table (status int, body json)
language plpgsql
as $$
declare
    res  record;
begin
    select * into res from ticket_insert(p_actor, p_fields, p_ip, p_ua);

    if res.status <> 201 then
        return query select res.status, res.problem;
        return;
    end if;

    return query select 201, ticket_json(res.ticket_id);
end
$$;

-- comment_add()'s writes (see there), the comment recording the
-- Message-ID of the mail it came from (null when it did not): the new
-- row, or null when there is no such live ticket.
create function comment_insert(p_actor uuid, p_ticket uuid, p_body text,
                               p_internal boolean, p_via_email text,
                               p_ip inet, p_ua text)
returns ticket_comments
language plpgsql
as $$
declare
    c  ticket_comments;
    n  bigint;
begin
    select number into n from tickets
     where id = p_ticket and deleted_at is null;

    if not found then
        return null;
    end if;

    insert into ticket_comments (ticket_id, author_id, body_md, is_internal,
                                 via_email_msg_id)
        values (p_ticket, p_actor, p_body, p_internal, p_via_email)
        returning * into c;

    perform audit_append('user', p_actor, 'ticket', p_ticket,
                         'ticket.commented',
                         jsonb_build_object('comment_id', c.id,
                                            'is_internal', c.is_internal,
                                            'length', length(c.body_md)),
                         p_ip, p_ua);

    insert into jobs (kind, payload)
        values ('ticket.commented',
                jsonb_build_object('ticket_id', p_ticket, 'number', n,
                                   'comment_id', c.id, 'actor_id', p_actor,
                                   'is_internal', c.is_internal));

    return c;
end
$$;

create or replace function comment_add(p_actor uuid, p_ticket uuid,
                                       p_body text, p_internal boolean,
                                       p_ip inet, p_ua text)
returns table (status int, body json)
language plpgsql
as $$
declare
    c  ticket_comments;
begin
    c := comment_insert(p_actor, p_ticket, p_body, p_internal, null, p_ip,
                        p_ua);

    if c.id is null then
        return query select 404, null::json;
        return;
    end if;

    return query select 201, comment_json(c);
end
$$;


-- ---------------------------------------------------------------------------
-- email_ingest: as in 0012, through the writes above
-- ---------------------------------------------------------------------------

create or replace function email_ingest(p_id uuid, p_mail jsonb, p_opts jsonb)
returns jsonb
language plpgsql
as $$
declare
    row      email_inbound;
    addr     citext := nullif(btrim(p_mail ->> 'from_addr'), '');
    u        users;
    c        ticket_comments;
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
        c := comment_insert(u.id, tid, body, false, row.message_id, null,
                            'helpdesk-worker email');
        if c.id is null then
            return email_quarantine(p_id, 'comment refused: 404', p_mail);
        end if;
        cid := c.id;
        select number into num from tickets where id = tid;
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

        select * into res from ticket_insert(u.id, jsonb_build_object(
            'title', title, 'description', body, 'requester_id', u.id,
            'source', 'email'), null, 'helpdesk-worker email');
        if res.status <> 201 then
            return email_quarantine(p_id, 'ticket refused: '
                                    || coalesce(res.problem ->> 'detail',
                                                res.status::text), p_mail);
        end if;
        tid := res.ticket_id;
        num := res.ticket_number;
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
