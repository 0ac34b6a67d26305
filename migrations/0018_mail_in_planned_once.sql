-- 0018_mail_in_planned_once: the functions every inbound mail calls are
-- planned once per session, not on every call.
--
-- An SQL function whose body has a FROM clause, called as an expression
-- (from PL/pgSQL, or in a select list), cannot be inlined: PostgreSQL
-- parses and plans its body again on each call.  PL/pgSQL keeps its plans
-- for the session.  Profiling `make bench-mail-in` (pg_stat_user_functions
-- with track_functions = all) put these at 0.4–1.1 ms a call, about half
-- of what email_ingest() spent per mail outside its own writes; each is
-- now the same query in PL/pgSQL, with the same answers.
--
-- email_thread_ticket() is asked twice for every mail that opens a ticket
-- (In-Reply-To, then References), usually with no ids at all: it answers
-- null at once for an empty list.


create or replace function custom_json_errors(p_values jsonb) returns jsonb
language plpgsql stable
as $$
begin
    return (
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
               and (not p_values ? d.key or p_values ->> d.key = '')) x);
end
$$;


create or replace function ticket_refs_problem(p_requester uuid,
                                               p_assignee uuid, p_team uuid)
returns json
language plpgsql stable
as $$
begin
    return case
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
    end;
end
$$;


create or replace function sla_calendar_for(p_team uuid) returns uuid
language plpgsql stable
as $$
begin
    return coalesce((select coalesce(t.calendar_id, r.calendar_id)
                       from teams t
                       left join regions r on r.id = t.region_id
                      where t.id = p_team),
                    (select c.id from calendars c where c.is_default));
end
$$;


create or replace function sla_policy_for(p_priority text, p_team uuid)
returns sla_policies
language plpgsql stable
as $$
declare
    pol  sla_policies;
begin
    select p.* into pol from sla_policies p
     where p.active and p.priority = p_priority
       and (p.team_id = p_team or p.team_id is null)
     order by p.team_id is null
     limit 1;

    if not found then
        return null;
    end if;

    return pol;
end
$$;


create or replace function email_thread_ticket(p_ids text[]) returns uuid
language plpgsql stable
as $$
begin
    if coalesce(cardinality(p_ids), 0) = 0 then
        return null;
    end if;

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


create or replace function email_receive(p_message_id text, p_mailbox text,
                                         p_key text)
returns table (id uuid, status text, duplicate boolean)
language plpgsql
as $$
#variable_conflict use_column
begin
    return query
    with ins as (
        insert into email_inbound (message_id, mailbox, raw_store_key)
            values (p_message_id, p_mailbox, p_key)
            on conflict (message_id) do nothing
        returning email_inbound.id, email_inbound.status)
    select ins.id, ins.status, false from ins
    union all
    select i.id, i.status, true
      from email_inbound i
     where i.message_id = p_message_id and not exists (select from ins);
end
$$;
