-- 0017_branding.sql — the organisation's name, logo and colours, set by an
-- admin (PUT /api/admin/branding, core/hd_api_branding.c) and read by
-- everyone, signed in or not (GET /api/branding: the login page shows it).
--
-- One row.  The core checks a body before it gets here (name, colours, the
-- logo's bytes and type); the constraints hold the same rules so nothing
-- else can store what the API would refuse.

create table branding (
    id            uuid primary key
                  default '00000000-0000-7000-8000-00000000b4a0'
                  check (id = '00000000-0000-7000-8000-00000000b4a0'),
    org_name      text not null default 'Helpdesk'
                  check (char_length(org_name) between 1 and 100
                         and btrim(org_name) <> ''),
    primary_color text not null default '#1d4ed8'
                  check (primary_color ~ '^#[0-9a-f]{6}$'),
    accent_color  text not null default '#0d9488'
                  check (accent_color ~ '^#[0-9a-f]{6}$'),
    logo          bytea check (octet_length(logo) between 1 and 262144),
    logo_type     text check (logo_type in ('image/png', 'image/jpeg',
                                            'image/svg+xml')),
    version       integer not null default 1 check (version > 0),
    updated_at    timestamptz not null default now(),
    constraint branding_logo_and_type_check
        check ((logo is null) = (logo_type is null))
);

insert into branding default values;

grant select, update on branding to helpdesk_app;


-- What GET /api/branding answers: no bytes, a logo_url that changes with
-- every version (so a browser may cache it by URL).
create function branding_json(b branding) returns json
language sql stable
as $$
    select json_build_object(
        'org_name', b.org_name, 'primary_color', b.primary_color,
        'accent_color', b.accent_color,
        'logo_url', case when b.logo is not null
                         then '/api/branding/logo?v=' || b.version end,
        'logo_type', b.logo_type, 'version', b.version,
        'updated_at', b.updated_at)
$$;

create function branding_get() returns json
language sql stable
as $$
    select branding_json(b) from branding b
$$;

-- What the audit event keeps of a logo: its type, size and digest.
create function branding_audit_json(b branding) returns jsonb
language sql stable
as $$
    select jsonb_build_object(
        'org_name', b.org_name, 'primary_color', b.primary_color,
        'accent_color', b.accent_color,
        'logo', case when b.logo is not null then jsonb_build_object(
                    'type', b.logo_type, 'bytes', octet_length(b.logo),
                    'sha256', encode(sha256(b.logo), 'hex')) end)
$$;

-- Saves branding as p_actor under version p_version: p_fields may name
-- org_name, primary_color, accent_color (checked by the core); with
-- p_logo_set the logo becomes p_logo of type p_logo_type (both null: no
-- logo).  Answers (status, body) like the other admin writes: 409 with
-- current_version when stale, else 200 with branding_json().
create function branding_save(p_actor uuid, p_version int, p_fields jsonb,
                              p_logo_set boolean, p_logo bytea,
                              p_logo_type text, p_ip inet, p_ua text)
returns table (status int, body json)
language plpgsql
as $$
declare
    old_b  branding;
    b      branding;
begin
    select * into old_b from branding for update;

    if old_b.version <> p_version then
        return query select 409, json_build_object(
            'detail', format('the branding is at version %s, not %s',
                             old_b.version, p_version),
            'current_version', old_b.version);
        return;
    end if;

    update branding
       set org_name = coalesce(btrim(p_fields ->> 'org_name'), org_name),
           primary_color = coalesce(lower(p_fields ->> 'primary_color'),
                                    primary_color),
           accent_color = coalesce(lower(p_fields ->> 'accent_color'),
                                   accent_color),
           logo = case when p_logo_set then p_logo else logo end,
           logo_type = case when p_logo_set then p_logo_type
                            else logo_type end,
           version = version + 1, updated_at = now()
     returning * into b;

    perform audit_append('user', p_actor, 'branding', b.id,
                         'branding.updated',
                         jsonb_build_object(
                             'before', branding_audit_json(old_b),
                             'after', branding_audit_json(b)),
                         p_ip, p_ua);

    return query select 200, branding_json(b);
end
$$;
