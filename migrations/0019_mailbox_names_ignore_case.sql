-- Mailbox names are unique regardless of case and surrounding blanks.
--
-- 0015 compared lower(name) against the name as given, untrimmed, while it
-- stored the trimmed name, and only the table's case-sensitive unique
-- constraint stood behind the check: "Support" and " support" could both be
-- created, and two admins creating "Support" and "support" at once both
-- passed the check.  The index now holds the rule itself, and mailbox_save()
-- trims first and serialises saves of one name, so the second of two such
-- saves gets the same 409 as a later one.

-- A database where such twins were made already keeps them readable: the
-- later twin's name gets its id's first eight characters appended.
update mailboxes m
   set name = left(m.name, 190) || ' (' || left(m.id::text, 8) || ')'
 where exists (select from mailboxes o
                where lower(btrim(o.name)) = lower(btrim(m.name))
                  and (o.created_at, o.id) < (m.created_at, m.id));

create unique index mailboxes_name_ci_key on mailboxes (lower(btrim(name)));

create or replace function mailbox_save(p_actor uuid, p_mailbox uuid, p_version int,
                             p_fields jsonb, p_secret_set boolean,
                             p_secret bytea, p_ip inet, p_ua text)
returns table (status int, body json)
language plpgsql
as $$
declare
    old_m  mailboxes;
    m      mailboxes;
    f      jsonb := p_fields;
begin
    if p_mailbox is not null then
        select * into old_m from mailboxes where id = p_mailbox for update;
        if not found then
            return query select 404, null::json;
            return;
        end if;
        if old_m.version <> p_version then
            return query select 409, json_build_object(
                'detail', format('the mailbox is at version %s, not %s',
                                 old_m.version, p_version),
                'current_version', old_m.version);
            return;
        end if;
        m := jsonb_populate_record(old_m, f);
    else
        m := jsonb_populate_record(null::mailboxes, f);
    end if;

    m.name := btrim(m.name);

    -- Two admins naming two mailboxes alike at once: the second waits here
    -- for the first to commit, then sees its row.
    perform pg_advisory_xact_lock(hashtext('mailbox name'),
                                  hashtext(lower(m.name)));

    if exists (select from mailboxes q
                where lower(q.name) = lower(m.name)
                  and q.id is distinct from p_mailbox)
    then
        return query select 409, json_build_object('detail',
            'another mailbox has that name');
        return;
    end if;

    if p_secret_set then
        m.secret_sealed := p_secret;
    end if;

    if p_mailbox is null then
        insert into mailboxes (name, url, username, auth, secret_sealed,
                               folders, poll_interval_s, active)
            values (m.name, m.url, m.username,
                    coalesce(m.auth, 'password'), m.secret_sealed,
                    coalesce(m.folders, '{INBOX}'),
                    coalesce(m.poll_interval_s, 60),
                    coalesce(m.active, true))
            returning * into m;
    else
        update mailboxes
           set name = m.name, url = m.url, username = m.username,
               auth = m.auth, secret_sealed = m.secret_sealed,
               folders = m.folders, poll_interval_s = m.poll_interval_s,
               active = m.active, version = version + 1, updated_at = now()
         where id = p_mailbox
         returning * into m;
    end if;

    perform audit_append('user', p_actor, 'mailbox', m.id,
                         case when p_mailbox is null then 'mailbox.created'
                              else 'mailbox.updated' end,
                         jsonb_strip_nulls(jsonb_build_object(
                             'before', case when p_mailbox is not null
                                            then mailbox_audit_json(old_m)
                                       end,
                             'after', mailbox_audit_json(m),
                             'secret_changed', p_secret_set)),
                         p_ip, p_ua);

    return query select case when p_mailbox is null then 201 else 200 end,
                        mailbox_json(m);
end
$$;

