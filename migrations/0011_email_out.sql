-- Outbound email: the composed message kept with its delivery state, the
-- satisfaction survey a resolution mail carries, agents' view of delivery
-- in the timeline, and auto-close of resolved tickets.
--
-- The worker (worker/wk_jobs.c, wk_notify.c, wk_smtp.c) runs the jobs
-- outbox: a job's handler composes each message in C (core/hd_mail.c) and
-- inserts it here in the same transaction that marks the job done; the
-- sender then moves each row queued -> sending -> sent (or failed).


-- ---------------------------------------------------------------------------
-- email_outbound: what is sent, exactly as it goes out
-- ---------------------------------------------------------------------------

-- raw_message is the whole RFC 5322 message (CRLF line ends), composed once:
-- a retry sends the same bytes with the same Message-ID.  kind says which
-- notification it is; next_attempt_at is when a queued row may be tried
-- (again); locked_at is when a row went to 'sending', so a sender that
-- died in the middle is noticed.
alter table email_outbound
    add column kind             text not null default 'notification'
                                check (kind in ('acknowledge', 'reply',
                                                'resolved', 'sla',
                                                'notification')),
    add column from_addr        citext,
    add column raw_message      text,
    add column job_id           uuid references jobs (id) on delete set null,
    add column next_attempt_at  timestamptz not null default now(),
    add column locked_at        timestamptz,
    add constraint email_outbound_sending_check
        check ((status = 'sending') = (locked_at is not null)),
    add constraint email_outbound_failed_check
        check (status <> 'failed' or last_error is not null);

create index email_outbound_next_attempt_at_idx
    on email_outbound (next_attempt_at) where status = 'queued';
create index email_outbound_locked_at_idx
    on email_outbound (locked_at) where status = 'sending';

-- One acknowledgement per ticket, whichever job asks for it first.
create unique index email_outbound_ticket_id_ack_idx
    on email_outbound (ticket_id) where kind = 'acknowledge';


-- ---------------------------------------------------------------------------
-- The satisfaction survey
-- ---------------------------------------------------------------------------

-- Issues the survey of ticket p_ticket under a new token (its sha256 is
-- p_hash), valid p_days days.  A survey already answered is kept as it
-- is and false is returned: the resolution mail then carries no links.
create function csat_issue(p_ticket uuid, p_hash bytea, p_days int)
returns boolean
language sql
as $$
    insert into csat (ticket_id, token_hash, expires_at)
        values (p_ticket, p_hash, now() + make_interval(days => p_days))
    on conflict (ticket_id) do update
        set token_hash = excluded.token_hash,
            expires_at = excluded.expires_at
        where csat.responded_at is null
    returning true
$$;


-- ---------------------------------------------------------------------------
-- Auto-close
-- ---------------------------------------------------------------------------

-- Closes up to p_limit tickets in a 'resolved'-category status that may
-- move to 'closed', resolved more than p_days days ago and with no comment
-- from their requester since then less than p_days days old.  Each close
-- is done as the system: a status history row without actor, the audit
-- event ticket.auto_closed and the jobs ticket.status_changed and
-- ticket.updated, as a person's change would write.  Returns how many were
-- closed; running it again closes nothing more (idempotent).  Tickets
-- another transaction holds are skipped and taken next time.
create function tickets_auto_close(p_days int, p_limit int)
returns int
language plpgsql
as $$
declare
    t      record;
    n      int := 0;
    since  timestamptz := now() - make_interval(days => p_days);
begin
    for t in
        select tk.id, tk.number, tk.status
          from tickets tk
          join ticket_statuses s on s.key = tk.status
                                and s.category = 'resolved'
         where tk.deleted_at is null
           and exists (select from ticket_transitions tt
                        where tt.from_status = tk.status
                          and tt.to_status = 'closed')
           and (select max(h.at) from ticket_status_history h
                 where h.ticket_id = tk.id and h.to_status = tk.status)
               < since
           and not exists (select from ticket_comments c
                            where c.ticket_id = tk.id
                              and c.author_id = tk.requester_id
                              and c.created_at >= since)
         order by tk.number
         limit p_limit
           for update of tk skip locked
    loop
        update tickets set status = 'closed' where id = t.id;

        insert into ticket_status_history (ticket_id, from_status, to_status,
                                           actor_id, note)
            values (t.id, t.status, 'closed', null,
                    format('closed automatically after %s days without a '
                           'reply from the requester', p_days));

        perform audit_append('system', null, 'ticket', t.id,
                             'ticket.auto_closed',
                             jsonb_build_object('status',
                                 jsonb_build_array(t.status, 'closed'),
                                 'days', p_days),
                             null, null);

        insert into jobs (kind, payload)
            values ('ticket.status_changed',
                    jsonb_build_object('ticket_id', t.id, 'number', t.number,
                                       'actor_id', null, 'from', t.status,
                                       'to', 'closed')),
                   ('ticket.updated',
                    jsonb_build_object('ticket_id', t.id, 'number', t.number,
                                       'actor_id', null,
                                       'fields', jsonb_build_array('status')));
        n := n + 1;
    end loop;

    return n;
end
$$;


-- ---------------------------------------------------------------------------
-- Delivery in the timeline
-- ---------------------------------------------------------------------------

-- As in 0004, plus, for those who may read internal comments (agents and
-- up), one 'email' item per message sent about the ticket: recipient,
-- subject, kind, delivery status, attempts and the last error, so an agent
-- sees a mail that failed.  Requesters never see these items.
create or replace function ticket_timeline(p_ticket uuid, p_internal boolean)
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
               and a.diff_json - 'status' - 'note' <> '{}'
            union all
            select o.created_at, 3, o.id::text,
                   json_build_object('type', 'email', 'at', o.created_at,
                                     'id', o.id, 'kind', o.kind,
                                     'to', o.to_addr::text,
                                     'subject', o.subject,
                                     'status', o.status,
                                     'attempts', o.retries,
                                     'last_error', o.last_error,
                                     'sent_at', o.sent_at)
              from email_outbound o
             where o.ticket_id = p_ticket and p_internal) e
$$;
