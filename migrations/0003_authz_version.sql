-- 0003_authz_version: a version number for everything a principal is made
-- of, so that a worker can keep a caller's principal between requests and
-- still see a change on the very next one.
--
-- users.authz_version moves whenever the user's principal would read
-- differently: their profile columns or active flag (a trigger on users),
-- their roles (user_roles), their teams (team_members) or a team's name or
-- active flag (teams).  The nginx module caches the principal behind a
-- verified OIDC access token together with this number, and on each request
-- asks only "is this user still active at this version?" — one indexed
-- primary-key probe — instead of resolving the principal again.


alter table users add column authz_version bigint not null default 1;

-- The principal carries the version it was read at.
alter type principal add attribute authz_version bigint;

create or replace function principal_of(p_user uuid, p_credential uuid)
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
           p_credential,
           u.authz_version
      from users u
     where u.id = p_user and u.active
$$;


-- The version only moves forward, and moves with any change a principal
-- shows; password changes and bookkeeping columns leave it alone.  A
-- statement that sets the version itself (the membership triggers below)
-- is let through, never backwards.
create function users_bump_authz_version() returns trigger
language plpgsql
as $$
begin
    if new.authz_version is distinct from old.authz_version then
        new.authz_version := greatest(new.authz_version,
                                      old.authz_version + 1);

    elsif (new.email, new.display_name, new.active, new.locale,
           new.time_zone, new.external_id)
          is distinct from
          (old.email, old.display_name, old.active, old.locale,
           old.time_zone, old.external_id)
    then
        new.authz_version := old.authz_version + 1;
    end if;

    return new;
end
$$;

create trigger users_bump_authz_version before update on users
    for each row execute function users_bump_authz_version();


-- A membership row (user_roles, team_members) changed: its user's
-- principal did.
create function membership_bump_authz_version() returns trigger
language plpgsql
as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        update users set authz_version = authz_version + 1
         where id = old.user_id;
    end if;

    if tg_op in ('INSERT', 'UPDATE') then
        update users set authz_version = authz_version + 1
         where id = new.user_id;
    end if;

    return null;
end
$$;

create trigger user_roles_bump_authz_version
    after insert or update or delete on user_roles
    for each row execute function membership_bump_authz_version();

create trigger team_members_bump_authz_version
    after insert or update or delete on team_members
    for each row execute function membership_bump_authz_version();


-- A team's name or active flag shows in its members' principals.
create function teams_bump_authz_version() returns trigger
language plpgsql
as $$
begin
    if (new.name, new.active) is distinct from (old.name, old.active) then
        update users set authz_version = authz_version + 1
         where id in (select user_id from team_members
                       where team_id = new.id);
    end if;

    return null;
end
$$;

create trigger teams_bump_authz_version after update on teams
    for each row execute function teams_bump_authz_version();
