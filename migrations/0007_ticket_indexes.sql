-- 0007_ticket_indexes: first pages of the ticket list filtered by a rare
-- priority, for bench/tickets.sh's bar (issue 4: p95 < 30 ms at a million
-- tickets).
--
-- The list filters priorities with `priority = any($4::text[])`.  On
-- PostgreSQL 15 an index scan under `= any(array)` is not taken as ordered,
-- so tickets_priority_id_idx (0004) cannot feed "order by created_at desc"
-- and the planner walks tickets_created_at_id_idx from the newest ticket,
-- filtering: fine for P3 and P4 (most tickets), but at 2 % (P1) that is
-- thousands of rows read to fill one page for an agent who sees a fraction
-- of them.  A partial index per rare priority is proven by `priority =
-- any('{P1}')` (the list plans with its parameters' values) and gives the
-- rows already in page order.  P3 and P4 are common enough without one.

create index tickets_created_at_id_p1_idx on tickets (created_at, id)
    where priority = 'P1' and deleted_at is null;
create index tickets_created_at_id_p2_idx on tickets (created_at, id)
    where priority = 'P2' and deleted_at is null;
