-- 0027_ticket_get_confirms_by_generation: GET /api/tickets/{id} reads the
-- ticket's row and the directory's generation, nothing else.
--
-- Since 0026 a ticket read was one index scan on tickets plus two initial
-- plans: the directory's generation and the principal check (the caller
-- still active at the authz_version the worker holds, principal_fresh()'s
-- probe of users).  The probe was the second index scan of every read.
-- Now the generation vouches for the principal too:
--
--   * directory_gen.gen also moves, in the same transaction, with every
--     change of a user's active flag or authz_version and with a user's
--     deletion.  authz_version already moves with everything a principal
--     is made of (0003: roles, teams, the user's own columns; 0016: the
--     user's tokens revoked or their expiry moved), so one generation seen
--     twice means no principal has changed in between.
--   * Each nginx worker keeps, beside the cached people (core/hd_dircache.h),
--     the principals a confirming statement (ticket_access(), with its
--     principal_fresh() check) found standing at the generation it read.
--     A read that sees that generation again needs no check of its own;
--     one that sees another, or a principal not kept, asks ticket_access(),
--     which checks, answers and fills the cache.
--   * The caller's relations to the ticket (requester, assignee, team) are
--     comparisons of the row's ids with the principal's, made in core; the
--     read takes only the ticket's id.
--
-- A rename already moved authz_version (0003) and the generation (0026):
-- the trigger below replaces 0026's and covers both.
--
-- The generation now moves at most once per transaction.  A transaction
-- that changed many principals (a seed, a directory import, a team rename
-- that moves every member's authz_version) moved it once per row, leaving
-- as many dead versions of the one row in directory_gen's heap; every read
-- of the generation then scanned them all (a seeded million-ticket
-- database's 20 000 users left 109 pages, about 20 µs on every GET) until
-- a vacuum could truncate the table, which the reads' own locks kept
-- failing.  One move per transaction is all a reader needs: a snapshot
-- that sees the transaction's changes sees a generation no earlier
-- snapshot saw.


-- ------------------------------------------------------------------------
-- The generation moves with every principal, once per transaction

-- The row's xmin is this transaction's xid once this transaction moved it
-- (from a subtransaction it is the subtransaction's, and the generation
-- moves again: harmless).
create or replace function directory_gen_bump() returns trigger
language plpgsql
as $$
begin
    update directory_gen set gen = gen + 1
     where xmin <> pg_current_xact_id()::xid;
    return null;
end
$$;

drop trigger users_directory_gen on users;

create trigger users_directory_gen
    after update on users
    for each row
    when (old.display_name is distinct from new.display_name
          or old.email is distinct from new.email
          or old.active is distinct from new.active
          or old.authz_version is distinct from new.authz_version)
    execute function directory_gen_bump();

create trigger users_deleted_directory_gen
    after delete on users
    for each row execute function directory_gen_bump();


-- ------------------------------------------------------------------------
-- The read

-- The ticket p_id as GET shows it, when it is not deleted, and the
-- directory's generation from the same snapshot; no row when there is no
-- such ticket (core then asks ticket_access(), which tells a missing
-- ticket from a stale principal).  The columns are ticket_access()'s
-- document without the caller's relations, the people and the team.  One
-- index scan and one initial plan.
drop function ticket_read(uuid, uuid, bigint, uuid[]);

create function ticket_read(p_id uuid)
returns table (id uuid, version int, status text,
               number bigint, title text, priority text, urgency smallint,
               category text, subcategory text, requester_id uuid,
               assignee_id uuid, team_id uuid, source text,
               scheduled_at json, due_at json, created_at json,
               updated_at json, sla json, description text,
               custom_json jsonb, directory_gen bigint)
language sql stable
as $$
    select t.id, t.version, t.status,
           t.number, t.title, t.priority, t.urgency, t.category,
           t.subcategory, t.requester_id, t.assignee_id, t.team_id, t.source,
           to_json(t.scheduled_at), to_json(t.due_at), to_json(t.created_at),
           to_json(t.updated_at),
           case when t.has_sla_clock then ticket_sla_json(t.id) end,
           t.description, t.custom_json,
           (select d.gen from directory_gen d where d.one)
      from tickets t
     where t.id = p_id and t.deleted_at is null
$$;
