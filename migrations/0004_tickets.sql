-- 0004_tickets: the tickets API — the workflow as data, list indexes, and
-- the functions behind every ticket write.
--
-- The spine (0001) already holds tickets, ticket_statuses, ticket_comments,
-- ticket_status_history, ticket_watchers, ticket_custom_defs and jobs; this
-- adds the allowed transitions between statuses (an admin changes them
-- through PUT /api/workflow), the indexes the list endpoint's filters and
-- keyset pagination need, and one SQL function per write.  Each write
-- function does everything a change implies in the caller's single
-- statement, so it commits or rolls back as one: the row, its status
-- history, its audit event (audit_append) and its outbox jobs.
--
-- The write functions answer (status, body): 200/201 with the resource, or
-- a 4xx the API renders as problem+json with body's members (detail,
-- errors, current_version, allowed).  They return a 4xx only before they
-- have written anything; a constraint the database finds later raises and
-- rolls the whole statement back.


-- Human numbers count from TKT-1 (the spine's identity started at 1000).
alter table tickets alter column number restart with 1;


-- ---------------------------------------------------------------------------
-- Workflow: which status may follow which
-- ---------------------------------------------------------------------------

create table ticket_transitions (
    from_status  text not null references ticket_statuses (key)
                 on delete cascade,
    to_status    text not null references ticket_statuses (key)
                 on delete cascade,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    primary key (from_status, to_status),
    constraint ticket_transitions_change_check
        check (from_status <> to_status)
);

create trigger ticket_transitions_set_updated_at
    before update on ticket_transitions
    for each row execute function set_updated_at();

-- The default lifecycle: New → Assigned → Accepted → In Progress →
-- Scheduled → Pending… → Resolved → Closed, with the shortcuts a desk
-- takes every day, Pending sub-states moving between each other, and
-- reopening a resolved or closed ticket into In Progress.
insert into ticket_transitions (from_status, to_status)
select w.from_status, t.to_status
  from (values
    ('new',              '{assigned,accepted,in_progress,pending_info,'
                         'resolved,closed}'),
    ('assigned',         '{new,accepted,in_progress,scheduled,pending_info,'
                         'pending_callback,pending_parts,pending_approval,'
                         'resolved}'),
    ('accepted',         '{in_progress,scheduled,pending_info,'
                         'pending_callback,pending_parts,pending_approval,'
                         'resolved}'),
    ('in_progress',      '{scheduled,pending_info,pending_callback,'
                         'pending_parts,pending_approval,resolved}'),
    ('scheduled',        '{in_progress,pending_info,pending_callback,'
                         'pending_parts,pending_approval,resolved}'),
    ('pending_info',     '{in_progress,scheduled,pending_callback,'
                         'pending_parts,pending_approval,resolved}'),
    ('pending_callback', '{in_progress,scheduled,pending_info,pending_parts,'
                         'pending_approval,resolved}'),
    ('pending_parts',    '{in_progress,scheduled,pending_info,'
                         'pending_callback,pending_approval,resolved}'),
    ('pending_approval', '{in_progress,scheduled,pending_info,'
                         'pending_callback,pending_parts,resolved}'),
    ('resolved',         '{closed,in_progress}'),
    ('closed',           '{in_progress}'))
    as w (from_status, to_list),
    unnest(w.to_list::text[]) as t (to_status);

grant select, insert, update, delete on ticket_transitions to helpdesk_app;


create function workflow_json() returns json
language sql stable
as $$
    select json_build_object(
        'statuses', coalesce((select json_agg(json_build_object(
                                  'key', s.key, 'label', s.label,
                                  'category', s.category,
                                  'sort_order', s.sort_order)
                              order by s.sort_order, s.key)
                                from ticket_statuses s), '[]'),
        'transitions', coalesce((select json_agg(json_build_object(
                                     'from', t.from_status,
                                     'to', t.to_status)
                                 order by f.sort_order, t.from_status,
                                          s.sort_order, t.to_status)
                                   from ticket_transitions t
                                   join ticket_statuses f
                                     on f.key = t.from_status
                                   join ticket_statuses s
                                     on s.key = t.to_status), '[]'))
$$;

-- Replaces the workflow: p_statuses [{key, label, category, sort_order}]
-- is the whole list of statuses (new keys are added, listed ones changed,
-- unlisted ones removed), p_transitions [{from, to}] the whole list of
-- transitions.  'new', where every ticket starts, must stay; a status that
-- tickets or their history still use cannot be removed (422).
create function workflow_save(p_actor uuid, p_statuses jsonb,
                              p_transitions jsonb, p_ip inet, p_ua text)
returns table (status int, body json)
language plpgsql
as $$
declare
    before_w  json := workflow_json();
    gone      text;
    bad       text;
begin
    if not p_statuses @> '[{"key": "new"}]' then
        return query select 422, json_build_object('detail',
            'the status "new" is where every ticket starts; keep it');
        return;
    end if;

    select s.key into bad
      from jsonb_to_recordset(p_statuses) as s (key text)
     group by s.key having count(*) > 1 limit 1;

    if found then
        return query select 400, json_build_object('detail',
            format('status "%s" is listed twice', bad));
        return;
    end if;

    select coalesce(t->>'from', '?') || ' → ' || coalesce(t->>'to', '?')
      into bad
      from jsonb_array_elements(p_transitions) t
     where not p_statuses @> jsonb_build_array(
                                jsonb_build_object('key', t->'from'))
        or not p_statuses @> jsonb_build_array(
                                jsonb_build_object('key', t->'to'))
     limit 1;

    if found then
        return query select 422, json_build_object('detail',
            format('transition %s names a status that is not in the list',
                   bad));
        return;
    end if;

    select s.key into gone
      from ticket_statuses s
     where not p_statuses @> jsonb_build_array(
                                 jsonb_build_object('key', s.key))
       and (exists (select from tickets t where t.status = s.key)
            or exists (select from ticket_status_history h
                        where h.from_status = s.key or h.to_status = s.key))
     limit 1;

    if found then
        return query select 422, json_build_object('detail',
            format('status "%s" is used by tickets and cannot be removed',
                   gone));
        return;
    end if;

    delete from ticket_transitions;

    delete from ticket_statuses s
     where not p_statuses @> jsonb_build_array(
                                 jsonb_build_object('key', s.key));

    insert into ticket_statuses (key, label, category, sort_order)
        select n.key, n.label, n.category, n.sort_order
          from jsonb_to_recordset(p_statuses)
               as n (key text, label text, category text, sort_order int)
        on conflict (key) do update
           set label = excluded.label, category = excluded.category,
               sort_order = excluded.sort_order
         where (ticket_statuses.label, ticket_statuses.category,
                ticket_statuses.sort_order)
               is distinct from
               (excluded.label, excluded.category, excluded.sort_order);

    insert into ticket_transitions (from_status, to_status)
        select distinct t->>'from', t->>'to'
          from jsonb_array_elements(p_transitions) t;

    if workflow_json()::jsonb is distinct from before_w::jsonb then
        perform audit_append('user', p_actor, 'workflow', null,
                             'workflow.updated',
                             jsonb_build_object('before', before_w,
                                                'after', workflow_json()),
                             p_ip, p_ua);
    end if;

    return query select 200, workflow_json();
end
$$;


-- ---------------------------------------------------------------------------
-- Indexes for listing: every common filter leads into the default order
-- (created_at, id), and each sort key has (key, id) for keyset pages.
-- ---------------------------------------------------------------------------

drop index tickets_created_at_idx;
drop index tickets_requester_id_idx;

create index tickets_created_at_id_idx on tickets (created_at, id)
    where deleted_at is null;
create index tickets_updated_at_id_idx on tickets (updated_at, id)
    where deleted_at is null;
create index tickets_priority_id_idx on tickets (priority, id)
    where deleted_at is null;
create index tickets_status_created_at_id_idx
    on tickets (status, created_at, id) where deleted_at is null;
create index tickets_requester_id_created_at_id_idx
    on tickets (requester_id, created_at, id) where deleted_at is null;
create index tickets_team_id_created_at_id_idx
    on tickets (team_id, created_at, id) where deleted_at is null;
create index tickets_assignee_id_created_at_id_idx
    on tickets (assignee_id, created_at, id) where deleted_at is null;
create index tickets_category_created_at_id_idx
    on tickets (category, created_at, id) where deleted_at is null;


-- ---------------------------------------------------------------------------
-- Rendering
-- ---------------------------------------------------------------------------

create function ticket_person_json(p_user uuid) returns json
language sql stable
as $$
    select json_build_object('id', u.id, 'display_name', u.display_name,
                             'email', u.email)
      from users u where u.id = p_user
$$;

-- A ticket as list items show it (no description).
create function ticket_summary_json(t tickets) returns json
language sql stable
as $$
    select json_build_object(
        'id', t.id, 'number', 'TKT-' || t.number, 'title', t.title,
        'status', t.status, 'priority', t.priority, 'urgency', t.urgency,
        'category', t.category, 'subcategory', t.subcategory,
        'requester_id', t.requester_id, 'assignee_id', t.assignee_id,
        'team_id', t.team_id, 'source', t.source,
        'scheduled_at', t.scheduled_at, 'due_at', t.due_at,
        'version', t.version, 'created_at', t.created_at,
        'updated_at', t.updated_at)
$$;

-- A ticket as GET /api/tickets/{id} shows it.
create function ticket_json(p_ticket uuid) returns json
language sql stable
as $$
    select (ticket_summary_json(t)::jsonb || jsonb_build_object(
               'description', t.description,
               'custom_json', t.custom_json,
               'requester', ticket_person_json(t.requester_id),
               'assignee', ticket_person_json(t.assignee_id),
               'team', (select json_build_object('id', tm.id,
                                                 'name', tm.name)
                          from teams tm where tm.id = t.team_id)))::json
      from tickets t where t.id = p_ticket
$$;


-- ---------------------------------------------------------------------------
-- Access: what the RBAC policy in core needs to decide about one ticket
-- ---------------------------------------------------------------------------

-- The ticket named by id or by number (exactly one of them given) and how
-- p_user stands to it; no row when there is no such (undeleted) ticket.
create function ticket_access(p_id uuid, p_number bigint, p_user uuid)
returns table (id uuid, version int, status text, is_requester boolean,
               is_watcher boolean, is_assignee boolean, in_team boolean,
               ticket json)
language sql stable
as $$
    select t.id, t.version, t.status, t.requester_id = p_user,
           exists (select from ticket_watchers w
                    where w.ticket_id = t.id and w.user_id = p_user),
           t.assignee_id is not distinct from p_user,
           exists (select from team_members m join teams tm
                              on tm.id = m.team_id and tm.active
                    where m.team_id = t.team_id and m.user_id = p_user),
           ticket_json(t.id)
      from tickets t
     where (t.id = p_id or t.number = p_number) and t.deleted_at is null
$$;


-- ---------------------------------------------------------------------------
-- Custom fields: values in tickets.custom_json, definitions in
-- ticket_custom_defs
-- ---------------------------------------------------------------------------

create function custom_value_ok(d ticket_custom_defs, v jsonb)
returns boolean
language plpgsql stable
as $$
begin
    case d.type
    when 'text', 'textarea' then
        return jsonb_typeof(v) = 'string';
    when 'number' then
        return jsonb_typeof(v) = 'number';
    when 'boolean' then
        return jsonb_typeof(v) = 'boolean';
    when 'select' then
        return jsonb_typeof(v) = 'string' and d.options @> jsonb_build_array(v);
    when 'date' then
        if jsonb_typeof(v) <> 'string'
           or v #>> '{}' !~ '^\d{4}-\d{2}-\d{2}$'
        then
            return false;
        end if;
        return to_char((v #>> '{}')::date, 'YYYY-MM-DD') = v #>> '{}';
    else
        return false;
    end case;
exception
    when datetime_field_overflow or invalid_datetime_format then
        return false;
end
$$;

-- What is wrong with a complete set of custom values, as problem+json
-- "errors" entries; '[]' when nothing is.
create function custom_json_errors(p_values jsonb) returns jsonb
language sql stable
as $$
    select coalesce(jsonb_agg(e order by e->>'field'), '[]')
      from (select jsonb_build_object('field', 'custom_json.' || k,
                                      'message', 'no such custom field') e
              from jsonb_object_keys(p_values) k
             where not exists (select from ticket_custom_defs d
                                where d.key = k and d.active)
            union all
            select jsonb_build_object('field', 'custom_json.' || d.key,
                       'message', case d.type
                           when 'select' then 'must be one of '
                                              || d.options::text
                           when 'date' then 'must be a date (YYYY-MM-DD)'
                           when 'textarea' then 'must be a string'
                           when 'text' then 'must be a string'
                           else 'must be a ' || d.type end)
              from ticket_custom_defs d
             where d.active and p_values ? d.key
               and not custom_value_ok(d, p_values -> d.key)
            union all
            select jsonb_build_object('field', 'custom_json.' || d.key,
                                      'message', d.label || ' is required')
              from ticket_custom_defs d
             where d.active and d.required
               and (not p_values ? d.key or p_values ->> d.key = '')) x
$$;


-- ---------------------------------------------------------------------------
-- Writes
-- ---------------------------------------------------------------------------

-- Who may be assigned tickets: active users holding a role above requester.
create function is_assignable(p_user uuid) returns boolean
language sql stable
as $$
    select exists (select from users u
                     join user_roles ur on ur.user_id = u.id
                     join roles r on r.id = ur.role_id
                    where u.id = p_user and u.active
                      and r.key <> 'requester')
$$;

-- Checks the people and team a create or update names; a 422 body, or null.
create function ticket_refs_problem(p_requester uuid, p_assignee uuid,
                                    p_team uuid)
returns json
language sql stable
as $$
    select case
        when p_requester is not null
             and not exists (select from users
                              where id = p_requester and active)
        then json_build_object('detail',
                               'requester_id names no active user')
        when p_assignee is not null and not is_assignable(p_assignee)
        then json_build_object('detail',
                               'assignee_id names no active agent')
        when p_team is not null
             and not exists (select from teams where id = p_team and active)
        then json_build_object('detail', 'team_id names no active team')
    end
$$;

-- Creates a ticket from fields the API validated (title, description,
-- requester_id, assignee_id, team_id, priority, urgency, category,
-- subcategory, source, custom_json) in status 'new', with its first status
-- history row, the audit event ticket.created and the job ticket.created.
-- A ticket filed for someone else without a team goes to the filer's team
-- (the first by name), so that an agent keeps seeing what they filed.
create function ticket_create(p_actor uuid, p_fields jsonb, p_ip inet,
                              p_ua text)
returns table (status int, body json)
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
            'custom_json does not match the custom fields', 'errors', errs);
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
        return query select 422, refs;
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

    return query select 201, ticket_json(t.id);
end
$$;

-- Applies p_changes (validated fields; a null value clears) to ticket
-- p_ticket if it is still at p_version.  custom_json is merged (a null
-- member removes that value).  A status change must be an allowed
-- transition (else 422 listing the allowed ones) and records a status
-- history row with p_note.  One audit event ticket.updated carries the
-- diff {field: [before, after]}; jobs: ticket.updated, and
-- ticket.status_changed / ticket.assigned when those changed.  Nothing
-- changes (and nothing is recorded) when the values are already so.
create function ticket_update(p_actor uuid, p_ticket uuid, p_version int,
                              p_changes jsonb, p_note text, p_ip inet,
                              p_ua text)
returns table (status int, body json)
language plpgsql
as $$
declare
    old_t    tickets;
    new_t    tickets;
    changes  jsonb := p_changes;
    errs     jsonb;
    refs     json;
    diff     jsonb;
begin
    select * into old_t from tickets
     where id = p_ticket and deleted_at is null
       for update;

    if not found then
        return query select 404, null::json;
        return;
    end if;

    if old_t.version <> p_version then
        return query select 409, json_build_object(
            'detail', format('the ticket is at version %s, not %s',
                             old_t.version, p_version),
            'current_version', old_t.version);
        return;
    end if;

    if changes ? 'custom_json' then
        changes := changes || jsonb_build_object('custom_json',
            jsonb_strip_nulls(old_t.custom_json || (changes -> 'custom_json')));
        errs := custom_json_errors(changes -> 'custom_json');
        if errs <> '[]' then
            return query select 400, json_build_object('detail',
                'custom_json does not match the custom fields',
                'errors', errs);
            return;
        end if;
    end if;

    new_t := jsonb_populate_record(old_t, changes);

    select coalesce(jsonb_object_agg(k, jsonb_build_array(
                        to_jsonb(old_t) -> k, to_jsonb(new_t) -> k)), '{}')
      into diff
      from jsonb_object_keys(changes) k
     where to_jsonb(old_t) -> k is distinct from to_jsonb(new_t) -> k;

    if diff = '{}' then
        return query select 200, ticket_json(p_ticket);
        return;
    end if;

    if new_t.status <> old_t.status
       and not exists (select from ticket_transitions
                        where from_status = old_t.status
                          and to_status = new_t.status)
    then
        return query select 422, json_build_object(
            'detail', format('a ticket in status "%s" cannot move to "%s"',
                             old_t.status, new_t.status),
            'from', old_t.status,
            'allowed', coalesce((select json_agg(tt.to_status
                                                 order by s.sort_order)
                                   from ticket_transitions tt
                                   join ticket_statuses s
                                     on s.key = tt.to_status
                                  where tt.from_status = old_t.status),
                                '[]'));
        return;
    end if;

    if new_t.status = 'scheduled' and new_t.scheduled_at is null then
        return query select 422, json_build_object('detail',
            'a scheduled ticket needs scheduled_at');
        return;
    end if;

    refs := ticket_refs_problem(null,
        case when diff ? 'assignee_id' then new_t.assignee_id end,
        case when diff ? 'team_id' then new_t.team_id end);
    if refs is not null then
        return query select 422, refs;
        return;
    end if;

    update tickets
       set title = new_t.title, description = new_t.description,
           assignee_id = new_t.assignee_id, team_id = new_t.team_id,
           priority = new_t.priority, urgency = new_t.urgency,
           category = new_t.category, subcategory = new_t.subcategory,
           status = new_t.status, scheduled_at = new_t.scheduled_at,
           custom_json = new_t.custom_json
     where id = p_ticket and version = p_version
     returning * into new_t;

    if diff ? 'status' then
        insert into ticket_status_history (ticket_id, from_status,
                                           to_status, actor_id, note)
            values (p_ticket, old_t.status, new_t.status, p_actor, p_note);

        insert into jobs (kind, payload)
            values ('ticket.status_changed',
                    jsonb_build_object('ticket_id', p_ticket,
                                       'number', new_t.number,
                                       'actor_id', p_actor,
                                       'from', old_t.status,
                                       'to', new_t.status));
    end if;

    if diff ? 'assignee_id' or diff ? 'team_id' then
        insert into jobs (kind, payload)
            values ('ticket.assigned',
                    jsonb_build_object('ticket_id', p_ticket,
                                       'number', new_t.number,
                                       'actor_id', p_actor,
                                       'assignee_id', new_t.assignee_id,
                                       'team_id', new_t.team_id));
    end if;

    perform audit_append('user', p_actor, 'ticket', p_ticket,
                         'ticket.updated',
                         diff || case when p_note is not null
                                      and diff ? 'status'
                                      then jsonb_build_object('note', p_note)
                                      else '{}' end,
                         p_ip, p_ua);

    insert into jobs (kind, payload)
        values ('ticket.updated',
                jsonb_build_object('ticket_id', p_ticket,
                                   'number', new_t.number,
                                   'actor_id', p_actor,
                                   'fields', (select jsonb_agg(k order by k)
                                                from jsonb_object_keys(diff)
                                                     k)));

    return query select 200, ticket_json(p_ticket);
end
$$;

create function comment_json(c ticket_comments) returns json
language sql stable
as $$
    select json_build_object('id', c.id, 'ticket_id', c.ticket_id,
                             'author', ticket_person_json(c.author_id),
                             'body_md', c.body_md,
                             'is_internal', c.is_internal,
                             'created_at', c.created_at)
$$;

-- Adds a comment (the API decided whether the caller may write an
-- internal one).  The job says whether it is internal, so that no
-- notification of an internal note ever reaches a requester.
create function comment_add(p_actor uuid, p_ticket uuid, p_body text,
                            p_internal boolean, p_ip inet, p_ua text)
returns table (status int, body json)
language plpgsql
as $$
declare
    c  ticket_comments;
    n  bigint;
begin
    select number into n from tickets
     where id = p_ticket and deleted_at is null;

    if not found then
        return query select 404, null::json;
        return;
    end if;

    insert into ticket_comments (ticket_id, author_id, body_md, is_internal)
        values (p_ticket, p_actor, p_body, p_internal)
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

    return query select 201, comment_json(c);
end
$$;


-- ---------------------------------------------------------------------------
-- Reading a ticket's history
-- ---------------------------------------------------------------------------

-- Comments, status changes and field changes of a ticket, oldest first.
-- Internal comments only when p_internal.
create function ticket_timeline(p_ticket uuid, p_internal boolean)
returns json
language sql stable
as $$
    select json_build_object('items', coalesce(json_agg(e.item
                                 order by e.at, e.seq, e.id), '[]'))
      from (select c.created_at as at, 1 as seq, c.id::text as id,
                   json_build_object('type', 'comment', 'at', c.created_at,
                                     'actor', ticket_person_json(c.author_id),
                                     'id', c.id, 'body_md', c.body_md,
                                     'is_internal', c.is_internal) as item
              from ticket_comments c
             where c.ticket_id = p_ticket and (p_internal or not c.is_internal)
            union all
            select h.at, 0, h.id::text,
                   json_build_object('type', 'status', 'at', h.at,
                                     'actor', ticket_person_json(h.actor_id),
                                     'from', h.from_status,
                                     'to', h.to_status, 'note', h.note)
              from ticket_status_history h
             where h.ticket_id = p_ticket
            union all
            select a.at, 2, lpad(a.id::text, 20, '0'),
                   json_build_object('type', 'fields', 'at', a.at,
                                     'actor', ticket_person_json(a.actor_id),
                                     'changes', a.diff_json - 'status'
                                                - 'note')
              from audit_events a
             where a.entity_type = 'ticket' and a.entity_id = p_ticket
               and a.action = 'ticket.updated'
               and a.diff_json - 'status' - 'note' <> '{}') e
$$;

-- A ticket's audit events, oldest first.
create function ticket_audit(p_ticket uuid) returns json
language sql stable
as $$
    select json_build_object('items', coalesce(json_agg(json_build_object(
               'id', a.id, 'at', a.at, 'action', a.action,
               'actor_type', a.actor_type,
               'actor', ticket_person_json(a.actor_id),
               'diff', a.diff_json, 'ip', host(a.ip)) order by a.id), '[]'))
      from audit_events a
     where a.entity_type = 'ticket' and a.entity_id = p_ticket
$$;
