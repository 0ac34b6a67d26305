-- 0025_csat_answers.sql — the satisfaction survey's answers.
--
-- The resolution mail (worker/wk_notify.c, csat_issue() of 0011) links to
-- /csat/<token>?score=good|bad; the page there reads and answers the
-- survey through GET and POST /api/csat/{token} (core/hd_api_csat.c).  The
-- token is the credential: only its sha256 is stored, so it is hashed here
-- exactly as the worker hashed it (the UTF-8 bytes of the base64url text).
--
-- Both functions answer (status, body) like the other writes: 404 for a
-- token that names no survey (or a deleted ticket's), 410 once the survey
-- has expired, else 200 with csat_json().  An answer may be changed until
-- the survey expires; each change is audited on the ticket as
-- csat.answered, by the ticket's requester through email (the link came
-- by mail to them).


-- The survey as its page shows it.
create function csat_json(c csat, t tickets) returns json
language sql stable
as $$
    select json_build_object(
        'ticket', json_build_object('number', 'TKT-' || t.number,
                                    'title', t.title),
        'score', c.score, 'comment', c.comment,
        'responded_at', c.responded_at, 'expires_at', c.expires_at)
$$;


create function csat_get(p_token text)
returns table (status int, body json)
language plpgsql stable
as $$
declare
    c  csat;
    t  tickets;
begin
    select * into c from csat
     where token_hash = sha256(convert_to(p_token, 'UTF8'));
    select * into t from tickets
     where id = c.ticket_id and deleted_at is null;

    if c.id is null or t.id is null then
        return query select 404, json_build_object(
            'detail', 'this survey link is not valid');
    elsif c.expires_at <= now() then
        return query select 410, json_build_object(
            'detail', 'this survey has expired');
    else
        return query select 200, csat_json(c, t);
    end if;
end
$$;


-- Answers the survey with p_score ('good' or 'bad', checked by the core);
-- with p_comment_set the comment becomes p_comment (blank: none), else it
-- stays as it was, so the page's one-click answer never drops a comment.
create function csat_answer(p_token text, p_score text, p_comment_set boolean,
                            p_comment text, p_ip inet, p_ua text)
returns table (status int, body json)
language plpgsql
as $$
declare
    c       csat;
    before  csat;
    t       tickets;
begin
    select * into c from csat
     where token_hash = sha256(convert_to(p_token, 'UTF8'))
       for update;
    select * into t from tickets
     where id = c.ticket_id and deleted_at is null;

    if c.id is null or t.id is null then
        return query select 404, json_build_object(
            'detail', 'this survey link is not valid');
        return;
    end if;

    if c.expires_at <= now() then
        return query select 410, json_build_object(
            'detail', 'this survey has expired');
        return;
    end if;

    before := c;

    update csat
       set score = p_score,
           comment = case when p_comment_set
                          then nullif(btrim(p_comment), '')
                          else csat.comment end,
           responded_at = now(),
           updated_at = now()
     where id = c.id
    returning * into c;

    if before.score is distinct from c.score
       or before.comment is distinct from c.comment
    then
        perform audit_append('email', t.requester_id, 'ticket', t.id,
                             'csat.answered',
                             jsonb_build_object(
                                 'before', jsonb_build_object(
                                     'score', before.score,
                                     'comment', before.comment),
                                 'after', jsonb_build_object(
                                     'score', c.score,
                                     'comment', c.comment)),
                             p_ip, p_ua);
    end if;

    return query select 200, csat_json(c, t);
end
$$;


-- The timeline (0011's) gains the survey's answer as it stands, for agents
-- and the requester alike: {type: csat, at: when last answered, score,
-- comment}.
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
             where o.ticket_id = p_ticket and p_internal
            union all
            select c.responded_at, 4, c.id::text,
                   json_build_object('type', 'csat', 'at', c.responded_at,
                                     'score', c.score, 'comment', c.comment)
              from csat c
             where c.ticket_id = p_ticket and c.score is not null) e
$$;
