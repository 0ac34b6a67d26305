-- 0008_ticket_read_path: make reading one ticket cheap, and let an
-- updated-before filter use the created_at order.
--
-- ticket_json() and ticket_person_json() were SQL functions with FROM
-- clauses: PostgreSQL cannot inline those, so every GET /api/tickets/{id}
-- planned four small queries afresh (about 2-4 ms on a million tickets,
-- mostly planning).  ticket_json() is now one PL/pgSQL query whose plan
-- each connection prepares once; ticket_person_json() stays for other
-- callers.
--
-- A ticket is never updated before it was created (set_updated_at() and
-- the column defaults make updated_at >= created_at); saying so lets the
-- list add created_at < updated_before to an updated_before filter, which
-- walks the created_at index from the right place instead of from the
-- newest ticket.

create or replace function ticket_json(p_ticket uuid) returns json
language plpgsql stable
as $$
declare
    doc  json;
begin
    select (ticket_summary_json(t)::jsonb || jsonb_build_object(
               'description', t.description,
               'custom_json', t.custom_json,
               'requester', case when rq.id is not null then
                                json_build_object('id', rq.id,
                                                  'display_name',
                                                  rq.display_name,
                                                  'email', rq.email)
                            end,
               'assignee', case when asg.id is not null then
                               json_build_object('id', asg.id,
                                                 'display_name',
                                                 asg.display_name,
                                                 'email', asg.email)
                           end,
               'team', case when tm.id is not null then
                           json_build_object('id', tm.id, 'name', tm.name)
                       end))::json
      into doc
      from tickets t
      left join users rq on rq.id = t.requester_id
      left join users asg on asg.id = t.assignee_id
      left join teams tm on tm.id = t.team_id
     where t.id = p_ticket;

    return doc;
end
$$;

alter table tickets
    add constraint tickets_updated_after_created
        check (updated_at >= created_at) not valid;
alter table tickets validate constraint tickets_updated_after_created;
