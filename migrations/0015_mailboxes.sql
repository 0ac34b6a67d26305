-- 0015_mailboxes: IMAP mailboxes that admins manage through the API.
--
-- Besides the one mailbox the worker's settings file may name (mail_in_*),
-- admins add mailboxes with GET/POST /api/admin/mailboxes and PATCH/DELETE
-- /api/admin/mailboxes/{id}: an IMAP URL, a login, its password or OAuth
-- bearer token, folders and a poll interval.  The password is stored only
-- sealed (core/hd_secret.h: AES-256-GCM under a key derived from the
-- instance key, which lives in a file on the host and never in the
-- database); nothing ever answers it back, and audit events say only that
-- it changed.  The worker reads the active mailboxes every few seconds,
-- opens the secret with the same key, polls each folder on its interval
-- and writes how the last poll went into mailbox_status, which the list
-- shows.

create table mailboxes (
    id               uuid primary key default gen_random_uuid(),
    name             text not null unique
                     check (length(btrim(name)) between 1 and 200),
    url              text not null
                     check (url ~ '^imaps?://[^/?#@\s]+$'),
    username         text not null check (length(username) between 1 and 320),
    auth             text not null default 'password'
                     check (auth in ('password', 'xoauth2')),
    secret_sealed    bytea,
    folders          text[] not null default '{INBOX}'
                     check (cardinality(folders) between 1 and 16),
    poll_interval_s  integer not null default 60
                     check (poll_interval_s between 10 and 86400),
    active           boolean not null default true,
    version          integer not null default 1,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);

-- Written by the worker after each poll of a mailbox; kept apart from the
-- row admins edit so that polling never moves its version or waits on its
-- lock.
create table mailbox_status (
    mailbox_id     uuid primary key references mailboxes (id)
                   on delete cascade,
    last_poll_at   timestamptz not null,
    last_ok_at     timestamptz,
    last_error     text,
    last_error_at  timestamptz,
    messages       bigint not null default 0
);

grant select, insert, update, delete on mailboxes, mailbox_status
    to helpdesk_app;


-- A mailbox as the API shows it: never the secret, only whether there is one.
create function mailbox_json(m mailboxes) returns json
language sql stable
as $$
    select json_build_object(
        'id', m.id, 'name', m.name, 'url', m.url, 'username', m.username,
        'auth', m.auth, 'has_secret', m.secret_sealed is not null,
        'folders', to_json(m.folders), 'poll_interval_s', m.poll_interval_s,
        'active', m.active, 'version', m.version,
        'created_at', m.created_at, 'updated_at', m.updated_at,
        'status', (select json_build_object(
                       'last_poll_at', s.last_poll_at,
                       'last_ok_at', s.last_ok_at,
                       'ok', s.last_error is null,
                       'last_error', s.last_error,
                       'last_error_at', s.last_error_at,
                       'messages', s.messages)
                     from mailbox_status s where s.mailbox_id = m.id))
$$;

create function mailboxes_list() returns json
language sql stable
as $$
    select json_build_object('items', coalesce(json_agg(mailbox_json(m)
                                                        order by m.name), '[]'))
      from mailboxes m
$$;

-- The audit's view of a mailbox: the secret only as whether it is set.
create function mailbox_audit_json(m mailboxes) returns jsonb
language sql immutable
as $$
    select to_jsonb(m) - 'secret_sealed' - 'created_at' - 'updated_at'
           || jsonb_build_object('has_secret', m.secret_sealed is not null)
$$;

-- Creates (p_mailbox null) or updates mailbox p_mailbox at p_version with
-- p_fields (the API's fields, already checked for shape by the module; the
-- secret is not among them) and, when p_secret_set, the sealed secret
-- p_secret, as p_actor.  (status, body) as hd_api_envelope() reads it.
create function mailbox_save(p_actor uuid, p_mailbox uuid, p_version int,
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
            values (btrim(m.name), m.url, m.username,
                    coalesce(m.auth, 'password'), m.secret_sealed,
                    coalesce(m.folders, '{INBOX}'),
                    coalesce(m.poll_interval_s, 60),
                    coalesce(m.active, true))
            returning * into m;
    else
        update mailboxes
           set name = btrim(m.name), url = m.url, username = m.username,
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

-- Deletes mailbox p_mailbox as p_actor; mail already taken from it stays.
create function mailbox_delete(p_actor uuid, p_mailbox uuid, p_ip inet,
                               p_ua text)
returns table (status int, body json)
language plpgsql
as $$
declare
    m  mailboxes;
begin
    delete from mailboxes where id = p_mailbox returning * into m;

    if not found then
        return query select 404, null::json;
        return;
    end if;

    perform audit_append('user', p_actor, 'mailbox', m.id, 'mailbox.deleted',
                         jsonb_build_object('before', mailbox_audit_json(m)),
                         p_ip, p_ua);

    return query select 204, null::json;
end
$$;

-- The worker's record of one poll of p_mailbox: p_error null when it went
-- well; p_messages mail taken.
create function mailbox_polled(p_mailbox uuid, p_error text, p_messages int)
returns void
language sql
as $$
    insert into mailbox_status as s (mailbox_id, last_poll_at, last_ok_at,
                                     last_error, last_error_at, messages)
        select p_mailbox, now(),
               case when p_error is null then now() end,
               p_error, case when p_error is not null then now() end,
               p_messages
          from mailboxes where id = p_mailbox
    on conflict (mailbox_id) do update
       set last_poll_at = now(),
           last_ok_at = case when p_error is null then now()
                             else s.last_ok_at end,
           last_error = p_error,
           last_error_at = case when p_error is not null then now()
                                else s.last_error_at end,
           messages = s.messages + p_messages
$$;
