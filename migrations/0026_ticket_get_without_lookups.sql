-- 0026_ticket_get_without_lookups: GET /api/tickets/{id} reads the
-- ticket's own row and little else.
--
-- PostgreSQL sets up every node of a cached plan again on each execution,
-- and a ticket's document needed eight of them beside the ticket: the
-- watcher probe, the SLA clock, the requester, the assignee and the team.
-- Measured on a million tickets that set-up was most of what a ticket read
-- cost the database (bench/README.md).  Now:
--
--   * The people and the team a document shows come from a cache in each
--     nginx worker (core/hd_dircache.h), valid at one generation of the
--     directory: directory_gen.gen, which every change of a user's
--     display_name or email or a team's name moves in the same
--     transaction.  The read returns the generation with the ticket, from
--     the same snapshot, so a cached name is used only when no rename has
--     committed since it was read.  A miss, or another generation, reads
--     the whole document as before (ticket_access()) and fills the cache.
--   * Whether the caller watches the ticket matters only when nothing else
--     lets them read it: the read leaves it out (null), and core asks
--     ticket_access() when the policy says no without it.
--   * tickets.has_sla_clock says whether ticket_sla_clocks holds a row for
--     the ticket (true, or null when not: null, so that the ticket.created
--     audit event, jsonb_strip_nulls(to_jsonb(t)), does not show it), kept
--     by a trigger on the clocks.  The SLA member is computed only for a
--     ticket that has one.  Setting the mark is bookkeeping, not a change
--     of the ticket: it moves neither version nor updated_at.


-- ------------------------------------------------------------------------
-- The directory's generation

create table directory_gen (
    one  boolean primary key default true check (one),
    gen  bigint not null
);

insert into directory_gen (one, gen) values (true, 1);

grant select, update on directory_gen to helpdesk_app;

create function directory_gen_bump() returns trigger
language plpgsql
as $$
begin
    update directory_gen set gen = gen + 1;
    return null;
end
$$;

create trigger users_directory_gen
    after update of display_name, email on users
    for each row
    when (old.display_name is distinct from new.display_name
          or old.email is distinct from new.email)
    execute function directory_gen_bump();

create trigger teams_directory_gen
    after update of name on teams
    for each row
    when (old.name is distinct from new.name)
    execute function directory_gen_bump();


-- ------------------------------------------------------------------------
-- Does the ticket have an SLA clock?

alter table tickets add column has_sla_clock boolean
    check (has_sla_clock);

-- the mark is not a change of the ticket
drop trigger tickets_set_updated_at on tickets;
drop trigger tickets_bump_version on tickets;

create trigger tickets_set_updated_at
    before update on tickets
    for each row
    when (old.has_sla_clock is not distinct from new.has_sla_clock)
    execute function set_updated_at();

create trigger tickets_bump_version
    before update on tickets
    for each row
    when (old.has_sla_clock is not distinct from new.has_sla_clock)
    execute function bump_version();

create function ticket_sla_clocks_mark() returns trigger
language plpgsql
as $$
begin
    if tg_op = 'INSERT' then
        update tickets set has_sla_clock = true
         where id = new.ticket_id and has_sla_clock is null;
    else
        update tickets set has_sla_clock = null
         where id = old.ticket_id and has_sla_clock;
    end if;

    return null;
end
$$;

create trigger ticket_sla_clocks_mark
    after insert or delete on ticket_sla_clocks
    for each row execute function ticket_sla_clocks_mark();

update tickets t set has_sla_clock = true
  from ticket_sla_clocks c
 where c.ticket_id = t.id;


-- ------------------------------------------------------------------------
-- The read

-- The ticket p_id as GET shows it, when it is not deleted: ticket_access()'s
-- columns, in its order, and the directory's generation after them;
-- is_watcher is null (not read), and so are requester, assignee and team
-- (the worker's cache has them, or ticket_access() is asked).  No row when
-- there is no such ticket: the caller then asks ticket_access(), which
-- also tells a stale principal from a missing ticket.  One index scan and
-- two initial plans (the principal, the generation), so that setting the
-- plan up costs little (GET by number is rarer, and asks ticket_access()).
create function ticket_read(p_id uuid, p_user uuid, p_authz_version bigint,
                            p_teams uuid[])
returns table (fresh boolean, id uuid, version int, status text,
               is_requester boolean, is_watcher boolean, is_assignee boolean,
               in_team boolean,
               number bigint, title text, priority text, urgency smallint,
               category text, subcategory text, requester_id uuid,
               assignee_id uuid, team_id uuid, source text,
               scheduled_at json, due_at json, created_at json,
               updated_at json, sla json, description text,
               custom_json jsonb, requester json, assignee json, team json,
               directory_gen bigint)
language sql stable
as $$
    select exists (select from users u
                    where u.id = p_user and u.active
                      and u.authz_version = p_authz_version),
           t.id, t.version, t.status, t.requester_id = p_user,
           null::boolean,
           t.assignee_id is not distinct from p_user,
           t.team_id = any (p_teams),
           t.number, t.title, t.priority, t.urgency, t.category,
           t.subcategory, t.requester_id, t.assignee_id, t.team_id, t.source,
           to_json(t.scheduled_at), to_json(t.due_at), to_json(t.created_at),
           to_json(t.updated_at),
           case when t.has_sla_clock then ticket_sla_json(t.id) end,
           t.description, t.custom_json,
           null::json, null::json, null::json,
           (select d.gen from directory_gen d)
      from tickets t
     where t.id = p_id and t.deleted_at is null
$$;
