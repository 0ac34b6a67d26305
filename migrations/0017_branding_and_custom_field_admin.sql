-- 0017_branding_and_custom_field_admin.sql — two admin settings the web app
-- needs:
--
--   * branding: the organisation's name, logo and colours, set by an admin
--     (PATCH /api/admin/branding, core/hd_api_branding.c) and read by
--     everyone, signed in or not (GET /api/branding: the login page shows
--     it);
--   * the writes behind /api/admin/custom-fields
--     (core/hd_api_custom_fields.c) on ticket_custom_defs, which
--     0001_spine.sql created; each audited.
--
-- Branding is one row.  The core checks a body before it gets here (name, colours, the
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


-- ---------------------------------------------------------------------------
-- Custom field definitions
-- ---------------------------------------------------------------------------

create function custom_field_json(d ticket_custom_defs) returns json
language sql stable
as $$
    select json_build_object(
        'id', d.id, 'key', d.key, 'label', d.label, 'type', d.type,
        'required', d.required, 'options', d.options, 'active', d.active,
        'sort_order', d.sort_order, 'version', d.version,
        'created_at', d.created_at, 'updated_at', d.updated_at)
$$;

create function custom_fields_admin_list() returns json
language sql stable
as $$
    select json_build_object('items', coalesce(json_agg(custom_field_json(d)
                                 order by d.sort_order, d.label), '[]'))
      from ticket_custom_defs d
$$;

create function custom_field_audit_json(d ticket_custom_defs) returns jsonb
language sql stable
as $$
    select jsonb_build_object('key', d.key, 'label', d.label, 'type', d.type,
                              'required', d.required, 'options', d.options,
                              'active', d.active, 'sort_order', d.sort_order)
$$;

-- Creates (p_field null) or changes custom field p_field at p_version as
-- p_actor.  p_fields holds what the core checked: key and type on create
-- only (a field's key and type never change, so stored values keep their
-- meaning), label, required, options, sort_order, active.  Answers (status,
-- body): 201/200 with custom_field_json(), 404, 409 stale or a key in use.
create function custom_field_save(p_actor uuid, p_field uuid, p_version int,
                                  p_fields jsonb, p_ip inet, p_ua text)
returns table (status int, body json)
language plpgsql
as $$
declare
    old_d  ticket_custom_defs;
    d      ticket_custom_defs;
begin
    if p_field is not null then
        select * into old_d from ticket_custom_defs where id = p_field
           for update;
        if not found then
            return query select 404, null::json;
            return;
        end if;
        if old_d.version <> p_version then
            return query select 409, json_build_object(
                'detail', format('the field is at version %s, not %s',
                                 old_d.version, p_version),
                'current_version', old_d.version);
            return;
        end if;
        d := jsonb_populate_record(old_d, p_fields - 'key' - 'type');
    else
        d := jsonb_populate_record(null::ticket_custom_defs, p_fields);
        if exists (select from ticket_custom_defs where key = d.key) then
            return query select 409, json_build_object('detail',
                format('a custom field with key %s exists', d.key));
            return;
        end if;
    end if;

    if (d.type = 'select') <> (jsonb_array_length(coalesce(d.options, '[]')) > 0)
    then
        return query select 400, json_build_object(
            'detail', 'options go with type select, and only with it',
            'errors', json_build_array(json_build_object(
                'field', 'options',
                'message', case when d.type = 'select'
                                then 'a select field needs options'
                                else 'only a select field has options' end)));
        return;
    end if;

    if p_field is null then
        insert into ticket_custom_defs (key, label, type, required, options,
                                        active, sort_order)
            values (d.key, btrim(d.label), d.type, coalesce(d.required, false),
                    coalesce(d.options, '[]'), coalesce(d.active, true),
                    coalesce(d.sort_order, 0))
            returning * into d;
    else
        update ticket_custom_defs
           set label = btrim(d.label), required = d.required,
               options = d.options, active = d.active,
               sort_order = d.sort_order, version = version + 1,
               updated_at = now()
         where id = p_field
         returning * into d;
    end if;

    perform audit_append('user', p_actor, 'custom_field', d.id,
                         case when p_field is null then 'custom_field.created'
                              else 'custom_field.updated' end,
                         jsonb_strip_nulls(jsonb_build_object(
                             'before', case when p_field is not null
                                            then custom_field_audit_json(old_d)
                                       end,
                             'after', custom_field_audit_json(d))),
                         p_ip, p_ua);

    return query select case when p_field is null then 201 else 200 end,
                        custom_field_json(d);
end
$$;

-- Deletes custom field p_field as p_actor.  Tickets keep the values they
-- hold under its key (the web app shows them by key).
create function custom_field_delete(p_actor uuid, p_field uuid, p_ip inet,
                                    p_ua text)
returns table (status int, body json)
language plpgsql
as $$
declare
    d  ticket_custom_defs;
begin
    delete from ticket_custom_defs where id = p_field returning * into d;

    if not found then
        return query select 404, null::json;
        return;
    end if;

    perform audit_append('user', p_actor, 'custom_field', d.id,
                         'custom_field.deleted',
                         jsonb_build_object('before', custom_field_audit_json(d)),
                         p_ip, p_ua);

    return query select 204, null::json;
end
$$;
