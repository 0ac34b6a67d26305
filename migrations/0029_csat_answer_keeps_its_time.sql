-- 0029_csat_answer_keeps_its_time: an answer that changes nothing leaves
-- the survey as it was.
--
-- 0025's csat_answer() wrote the row on every answer, so the page's
-- one-click answer sent again (a second click, the mail's link opened
-- twice) moved responded_at and updated_at although the score and the
-- comment stayed: "last answered" in the timeline then said when the link
-- was last opened.  The row is now written only when the score or the
-- comment changes, which is also when csat.answered is audited.

create or replace function csat_answer(p_token text, p_score text,
                                       p_comment_set boolean,
                                       p_comment text, p_ip inet, p_ua text)
returns table (status int, body json)
language plpgsql
as $$
declare
    c        csat;
    before   csat;
    t        tickets;
    answer   text;
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
    answer := case when p_comment_set then nullif(btrim(p_comment), '')
                    else c.comment end;

    if before.score is distinct from p_score
       or before.comment is distinct from answer
    then
        update csat
           set score = p_score,
               comment = answer,
               responded_at = now(),
               updated_at = now()
         where id = c.id
        returning * into c;

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
