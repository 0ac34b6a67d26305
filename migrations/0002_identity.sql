-- 0002_identity: sessions, personal access tokens, the audit chain's append
-- function, and the functions that turn a verified credential into a
-- principal (who is calling, with which roles and teams).
--
-- The nginx module verifies signatures and expiry without I/O; whether the
-- session, token or user is still valid is asked here, on every request, so
-- deactivating a user or revoking a token takes effect on the next request.


-- ---------------------------------------------------------------------------
-- Sessions of local accounts
-- ---------------------------------------------------------------------------

create table sessions (
    id            uuid primary key default uuid_v7(),
    user_id       uuid not null references users (id) on delete cascade,
    ip            inet,
    ua            text check (length(ua) <= 512),
    last_seen_at  timestamptz not null default now(),
    expires_at    timestamptz not null,     -- slides while in use
    revoked_at    timestamptz,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);

create index sessions_user_id_idx on sessions (user_id);

create trigger sessions_set_updated_at before update on sessions
    for each row execute function set_updated_at();


-- ---------------------------------------------------------------------------
-- Personal access tokens: shown once, stored as sha256 of the whole token
-- ---------------------------------------------------------------------------

create table api_tokens (
    id            uuid primary key default uuid_v7(),
    user_id       uuid not null references users (id) on delete cascade,
    name          text not null
                  check (btrim(name) <> '' and length(name) <= 100),
    token_hash    bytea not null unique check (length(token_hash) = 32),
    prefix        text not null check (prefix ~ '^hd_pat_[A-Za-z0-9_-]{4}$'),
    expires_at    timestamptz,
    last_used_at  timestamptz,
    revoked_at    timestamptz,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);

create index api_tokens_user_id_idx on api_tokens (user_id);

create trigger api_tokens_set_updated_at before update on api_tokens
    for each row execute function set_updated_at();


-- ---------------------------------------------------------------------------
-- Audit chain
--
-- hash = sha256(prev_hash || canonical), where canonical is the UTF-8 text
--   v1|id|actor_type|actor_id|entity_type|entity_id|action|pii_digest_hex|at_us
-- (absent ids are empty; at_us is microseconds since the epoch).  What
-- retention may erase (diff_json, ip, ua) is represented by pii_digest =
-- sha256(diff_json::text || '|' || ip || '|' || ua), stored with the row, so
-- anonymizing a row never breaks the chain.  The chain head row serializes
-- appenders.
-- ---------------------------------------------------------------------------

alter table audit_events add column pii_digest bytea not null
    check (length(pii_digest) = 32);

create function audit_canonical(e audit_events) returns bytea
language sql immutable
as $$
    select convert_to(concat_ws('|', 'v1', e.id::text, e.actor_type,
                                coalesce(e.actor_id::text, ''), e.entity_type,
                                coalesce(e.entity_id::text, ''), e.action,
                                encode(e.pii_digest, 'hex'),
                                (extract(epoch from e.at) * 1000000)::bigint),
                      'UTF8')
$$;

create function audit_append(p_actor_type text, p_actor_id uuid,
                             p_entity_type text, p_entity_id uuid,
                             p_action text, p_diff jsonb, p_ip inet,
                             p_ua text)
returns bigint
language plpgsql
as $$
declare
    head  audit_chain_head;
    e     audit_events;
begin
    select * into head from audit_chain_head for update;

    e.id := nextval(pg_get_serial_sequence('audit_events', 'id'));
    e.actor_type := p_actor_type;
    e.actor_id := p_actor_id;
    e.entity_type := p_entity_type;
    e.entity_id := p_entity_id;
    e.action := p_action;
    e.diff_json := coalesce(p_diff, '{}');
    e.ip := p_ip;
    e.ua := left(p_ua, 512);
    e.at := date_trunc('microseconds', clock_timestamp());
    e.pii_digest := sha256(convert_to(e.diff_json::text || '|'
                                      || coalesce(host(e.ip), '') || '|'
                                      || coalesce(e.ua, ''), 'UTF8'));
    e.prev_hash := head.last_hash;
    e.hash := sha256(e.prev_hash || audit_canonical(e));

    insert into audit_events (id, actor_type, actor_id, entity_type,
                              entity_id, action, diff_json, ip, ua, at,
                              hash, prev_hash, pii_digest)
        overriding system value
        values (e.id, e.actor_type, e.actor_id, e.entity_type, e.entity_id,
                e.action, e.diff_json, e.ip, e.ua, e.at, e.hash, e.prev_hash,
                e.pii_digest);

    update audit_chain_head set last_id = e.id, last_hash = e.hash;

    return e.id;
end
$$;


-- ---------------------------------------------------------------------------
-- Principals
-- ---------------------------------------------------------------------------

-- What every authenticated request needs to know about its caller.
create type principal as (
    user_id       uuid,
    email         text,
    display_name  text,
    locale        text,
    time_zone     text,
    roles         text[],
    teams         jsonb,        -- [{"id": …, "name": …}]
    credential    uuid          -- session or token id, when there is one
);

create function principal_of(p_user uuid, p_credential uuid)
returns setof principal
language sql stable
as $$
    select u.id, u.email::text, u.display_name, u.locale, u.time_zone,
           array(select r.key from user_roles ur
                   join roles r on r.id = ur.role_id
                  where ur.user_id = u.id order by r.key),
           coalesce((select jsonb_agg(jsonb_build_object('id', t.id,
                                                         'name', t.name)
                                      order by t.name)
                       from team_members tm join teams t on t.id = tm.team_id
                      where tm.user_id = u.id and t.active), '[]'),
           p_credential
      from users u
     where u.id = p_user and u.active
$$;

-- A session cookie whose signature the module checked: valid while the
-- session is not revoked, not expired and its user is active.  Use slides
-- the expiry (written at most once a minute).
create function auth_session(p_session uuid, p_user uuid)
returns setof principal
language plpgsql
as $$
begin
    update sessions
       set last_seen_at = now(), expires_at = now() + interval '8 hours'
     where id = p_session and user_id = p_user and revoked_at is null
       and expires_at > now() and last_seen_at < now() - interval '1 minute';

    return query
        select p.* from principal_of(p_user, p_session) p
         where exists (select from sessions s
                        where s.id = p_session and s.user_id = p_user
                          and s.revoked_at is null and s.expires_at > now());
end
$$;

-- A personal access token, by the sha256 of the whole token.  last_used_at
-- is recorded with a minute's resolution.
create function auth_token(p_hash bytea)
returns setof principal
language plpgsql
as $$
declare
    tok  api_tokens;
begin
    select * into tok from api_tokens
     where token_hash = p_hash and revoked_at is null
       and (expires_at is null or expires_at > now());

    if not found then
        return;
    end if;

    if tok.last_used_at is null
       or tok.last_used_at < now() - interval '1 minute'
    then
        update api_tokens set last_used_at = now() where id = tok.id;
    end if;

    return query select * from principal_of(tok.user_id, tok.id);
end
$$;

-- An OIDC subject whose token the module verified.  First sight provisions
-- the user (roles from the token's mapped claim, else requester).  An
-- existing local account is linked only when the provider vouches for the
-- email (email_verified true); otherwise an email already in use refuses
-- with SQLSTATE HD409, which the API answers as 409.
create function auth_oidc(p_sub text, p_email text, p_email_verified boolean,
                          p_name text, p_roles text[], p_ip inet, p_ua text)
returns setof principal
language plpgsql
as $$
declare
    uid       uuid;
    existing  users;
begin
    select id into uid from users where external_id = p_sub;

    if found then
        return query select * from principal_of(uid, null);
        return;
    end if;

    if p_email is null or p_email = '' then
        raise exception 'the token carries no email claim'
              using errcode = 'HD422';
    end if;

    select * into existing from users where email = p_email::citext;

    if found then
        if existing.external_id is not null
           or p_email_verified is distinct from true
        then
            raise exception 'email % is already in use', p_email
                  using errcode = 'HD409';
        end if;

        update users set external_id = p_sub where id = existing.id;
        perform audit_append('user', existing.id, 'user', existing.id,
                             'user.linked', jsonb_build_object('sub', p_sub),
                             p_ip, p_ua);
        return query select * from principal_of(existing.id, null);
        return;
    end if;

    insert into users (external_id, email, display_name)
        values (p_sub, p_email, coalesce(nullif(btrim(p_name), ''), p_email))
        returning id into uid;

    insert into user_roles (user_id, role_id)
        select uid, r.id from roles r
         where r.key = any (coalesce(nullif(p_roles, '{}'),
                                     array['requester']))
        on conflict do nothing;

    if not exists (select from user_roles where user_id = uid) then
        insert into user_roles (user_id, role_id)
            select uid, id from roles where key = 'requester';
    end if;

    perform audit_append('user', uid, 'user', uid, 'user.provisioned',
                         jsonb_build_object('sub', p_sub,
                             'roles', (select principal_of.roles
                                         from principal_of(uid, null))),
                         p_ip, p_ua);

    return query select * from principal_of(uid, null);
end
$$;


-- ---------------------------------------------------------------------------
-- Local login
-- ---------------------------------------------------------------------------

-- Step one: what the password check needs.  Inactive users and users with
-- no password are returned too: the caller verifies against a dummy hash
-- so that every failure costs the same.
create function login_lookup(p_email text)
returns table (user_id uuid, password_hash text, active boolean)
language sql stable
as $$
    select id, password_hash, active from users where email = p_email::citext
$$;

create function login_succeeded(p_user uuid, p_ip inet, p_ua text)
returns setof principal
language plpgsql
as $$
declare
    sid  uuid;
begin
    insert into sessions (user_id, ip, ua, expires_at)
        values (p_user, p_ip, left(p_ua, 512), now() + interval '8 hours')
        returning id into sid;

    perform audit_append('user', p_user, 'session', sid, 'auth.login',
                         '{}', p_ip, p_ua);

    return query select * from principal_of(p_user, sid);
end
$$;

create function login_failed(p_email text, p_user uuid, p_reason text,
                             p_ip inet, p_ua text)
returns void
language sql
as $$
    select audit_append('system', null, 'user', p_user, 'auth.login_failed',
                        jsonb_build_object('email', p_email,
                                           'reason', p_reason),
                        p_ip, p_ua)
$$;

create function logout(p_session uuid, p_user uuid, p_ip inet, p_ua text)
returns void
language sql
as $$
    with revoked as (
        update sessions set revoked_at = now()
         where id = p_session and user_id = p_user and revoked_at is null
        returning id
    )
    select audit_append('user', p_user, 'session', p_session, 'auth.logout',
                        '{}', p_ip, p_ua)
      from revoked
$$;


-- ---------------------------------------------------------------------------
-- Personal access tokens
-- ---------------------------------------------------------------------------

create function token_create(p_user uuid, p_name text, p_hash bytea,
                             p_prefix text, p_expires timestamptz,
                             p_ip inet, p_ua text)
returns setof api_tokens
language plpgsql
as $$
declare
    tok  api_tokens;
begin
    insert into api_tokens (user_id, name, token_hash, prefix, expires_at)
        values (p_user, p_name, p_hash, p_prefix, p_expires)
        returning * into tok;

    perform audit_append('user', p_user, 'api_token', tok.id,
                         'token.created',
                         jsonb_build_object('name', p_name,
                                            'expires_at', p_expires),
                         p_ip, p_ua);

    return next tok;
end
$$;

create function token_revoke(p_user uuid, p_token uuid, p_ip inet, p_ua text)
returns setof api_tokens
language plpgsql
as $$
declare
    tok  api_tokens;
begin
    update api_tokens set revoked_at = now()
     where id = p_token and user_id = p_user and revoked_at is null
     returning * into tok;

    if not found then
        return;
    end if;

    perform audit_append('user', p_user, 'api_token', tok.id,
                         'token.revoked', '{}', p_ip, p_ua);

    return next tok;
end
$$;


grant select, insert, update, delete on sessions, api_tokens to helpdesk_app;


-- ---------------------------------------------------------------------------
-- Administering users
-- ---------------------------------------------------------------------------

create function user_json(p_user uuid) returns json
language sql stable
as $$
    select json_build_object(
               'id', u.id, 'email', u.email, 'display_name', u.display_name,
               'active', u.active, 'external_id', u.external_id,
               'has_password', u.password_hash is not null,
               'roles', array(select r.key from user_roles ur
                                join roles r on r.id = ur.role_id
                               where ur.user_id = u.id order by r.key),
               'teams', coalesce((select json_agg(json_build_object(
                                             'id', t.id, 'name', t.name)
                                         order by t.name)
                                    from team_members tm
                                    join teams t on t.id = tm.team_id
                                   where tm.user_id = u.id), '[]'),
               'created_at', u.created_at, 'updated_at', u.updated_at,
               'version', u.version)
      from users u where u.id = p_user
$$;

create function user_create(p_actor uuid, p_email text, p_name text,
                            p_roles text[], p_password_hash text,
                            p_ip inet, p_ua text)
returns json
language plpgsql
as $$
declare
    uid  uuid;
begin
    insert into users (email, display_name, password_hash)
        values (p_email, p_name, p_password_hash)
        returning id into uid;

    insert into user_roles (user_id, role_id)
        select uid, r.id from roles r where r.key = any (p_roles);

    perform audit_append('user', p_actor, 'user', uid, 'user.created',
                         jsonb_build_object('email', p_email,
                                            'roles', p_roles),
                         p_ip, p_ua);

    return user_json(uid);
end
$$;

-- Changes what is given (NULL: leave as is).  Returns no row when the user
-- does not exist.  Deactivating also ends the user's sessions and tokens.
create function user_update(p_actor uuid, p_user uuid, p_name text,
                            p_active boolean, p_roles text[],
                            p_ip inet, p_ua text)
returns setof json
language plpgsql
as $$
declare
    before_u  users;
    old_roles text[];
begin
    select * into before_u from users where id = p_user for update;
    if not found then
        return;
    end if;

    old_roles := array(select r.key from user_roles ur
                         join roles r on r.id = ur.role_id
                        where ur.user_id = p_user order by r.key);

    update users
       set display_name = coalesce(p_name, display_name),
           active = coalesce(p_active, active)
     where id = p_user;

    if p_name is not null and p_name <> before_u.display_name
       or p_active is not null and p_active <> before_u.active
    then
        perform audit_append('user', p_actor, 'user', p_user,
                             case when p_active is false
                                       and before_u.active
                                  then 'user.deactivated'
                                  when p_active and not before_u.active
                                  then 'user.reactivated'
                                  else 'user.updated' end,
                             jsonb_build_object(
                                 'display_name', jsonb_build_array(
                                     before_u.display_name,
                                     coalesce(p_name, before_u.display_name)),
                                 'active', jsonb_build_array(
                                     before_u.active,
                                     coalesce(p_active, before_u.active))),
                             p_ip, p_ua);
    end if;

    if p_active is false and before_u.active then
        update sessions set revoked_at = now()
         where user_id = p_user and revoked_at is null;
        update api_tokens set revoked_at = now()
         where user_id = p_user and revoked_at is null;
    end if;

    if p_roles is not null
       and array(select unnest(p_roles) order by 1) <> old_roles
    then
        delete from user_roles ur using roles r
         where ur.user_id = p_user and r.id = ur.role_id
           and r.key <> all (p_roles);

        insert into user_roles (user_id, role_id)
            select p_user, r.id from roles r where r.key = any (p_roles)
            on conflict do nothing;

        perform audit_append('user', p_actor, 'user', p_user,
                             'user.roles_changed',
                             jsonb_build_object('from', old_roles,
                                                'to', array(
                                 select unnest(p_roles) order by 1)),
                             p_ip, p_ua);
    end if;

    return next user_json(p_user);
end
$$;


-- ---------------------------------------------------------------------------
-- Administering teams and regions
-- ---------------------------------------------------------------------------

create function team_json(p_team uuid) returns json
language sql stable
as $$
    select json_build_object(
               'id', t.id, 'name', t.name, 'region_id', t.region_id,
               'calendar_id', t.calendar_id, 'round_robin', t.round_robin,
               'active', t.active, 'version', t.version,
               'members', coalesce((select json_agg(json_build_object(
                                               'id', u.id, 'email', u.email,
                                               'display_name',
                                               u.display_name)
                                           order by u.email)
                                      from team_members tm
                                      join users u on u.id = tm.user_id
                                     where tm.team_id = t.id), '[]'))
      from teams t where t.id = p_team
$$;

-- Creates or changes a team; NULL leaves a field as is (on create: absent).
-- p_members, when given, is the whole new member list.  Returns no row
-- when p_team names no team.
create function team_save(p_actor uuid, p_team uuid, p_name text,
                          p_region uuid, p_calendar uuid,
                          p_round_robin boolean, p_active boolean,
                          p_members uuid[], p_ip inet, p_ua text)
returns setof json
language plpgsql
as $$
declare
    before_t  json;
    tid       uuid := p_team;
begin
    if tid is null then
        insert into teams (name, region_id, calendar_id, round_robin)
            values (p_name, p_region, p_calendar,
                    coalesce(p_round_robin, false))
            returning id into tid;
    else
        before_t := team_json(tid);
        if before_t is null then
            return;
        end if;

        update teams
           set name = coalesce(p_name, name),
               region_id = coalesce(p_region, region_id),
               calendar_id = coalesce(p_calendar, calendar_id),
               round_robin = coalesce(p_round_robin, round_robin),
               active = coalesce(p_active, active)
         where id = tid;
    end if;

    if p_members is not null then
        delete from team_members
         where team_id = tid and user_id <> all (p_members);
        insert into team_members (team_id, user_id)
            select tid, m from unnest(p_members) m
            on conflict do nothing;
    end if;

    perform audit_append('user', p_actor, 'team', tid,
                         case when p_team is null then 'team.created'
                              else 'team.updated' end,
                         jsonb_build_object('before', before_t,
                                            'after', team_json(tid)),
                         p_ip, p_ua);

    return next team_json(tid);
end
$$;

create function region_save(p_actor uuid, p_region uuid, p_name text,
                            p_calendar uuid, p_ip inet, p_ua text)
returns setof json
language plpgsql
as $$
declare
    rid  uuid := p_region;
    r    regions;
begin
    if rid is null then
        insert into regions (name, calendar_id) values (p_name, p_calendar)
            returning id into rid;
    else
        update regions
           set name = coalesce(p_name, name),
               calendar_id = coalesce(p_calendar, calendar_id)
         where id = rid;
        if not found then
            return;
        end if;
    end if;

    select * into r from regions where id = rid;

    perform audit_append('user', p_actor, 'region', rid,
                         case when p_region is null then 'region.created'
                              else 'region.updated' end,
                         jsonb_build_object('name', r.name,
                                            'calendar_id', r.calendar_id),
                         p_ip, p_ua);

    return next json_build_object('id', r.id, 'name', r.name,
                                  'calendar_id', r.calendar_id,
                                  'version', r.version);
end
$$;
