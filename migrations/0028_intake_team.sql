-- 0028_intake_team: a ticket filed without a team goes to the intake team.
--
-- Agents see their teams' tickets (helpdesk_agent_scope team, the default),
-- and a ticket filed from the portal, by email or through the API names no
-- team: until a lead or an admin gave it one, no agent saw it.  An admin
-- may now name one team the intake team (PATCH /api/teams/{id}
-- {"intake": true}); every new ticket without a team is then that team's,
-- and its round robin, SLA calendar and queues apply at once.  With no
-- intake team (the default) a new ticket keeps no team, as before.
--
--   * teams.intake: at most one team (a partial unique index), and only an
--     active one (a check; team_save() refuses to deactivate it with a
--     clear error).
--   * tickets_intake_team, before insert on tickets: fills team_id when the
--     new row has none.  Before-triggers fire in name order, so it runs
--     before tickets_round_robin, which then sees the team.
--   * team_save() takes intake.  Naming a team intake takes it from the team
--     that had it, in the same transaction, with an audit event for each.

alter table teams add column intake boolean not null default false;
alter table teams add constraint teams_intake_active check (active or not intake);
create unique index teams_one_intake on teams (intake) where intake;

create function tickets_intake_team() returns trigger
language plpgsql
as $$
begin
    if new.team_id is null then
        select t.id into new.team_id from teams t where t.intake;
    end if;
    return new;
end
$$;

create trigger tickets_intake_team
    before insert on tickets
    for each row execute function tickets_intake_team();

create or replace function team_json(p_team uuid) returns json
language sql stable
as $$
    select json_build_object(
               'id', t.id, 'name', t.name, 'region_id', t.region_id,
               'calendar_id', t.calendar_id, 'round_robin', t.round_robin,
               'active', t.active, 'intake', t.intake, 'version', t.version,
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

drop function team_save(uuid, uuid, text, uuid, uuid, boolean, boolean,
                        uuid[], inet, text);

create function team_save(p_actor uuid, p_team uuid, p_name text,
                          p_region uuid, p_calendar uuid,
                          p_round_robin boolean, p_active boolean,
                          p_intake boolean, p_members uuid[],
                          p_ip inet, p_ua text)
returns setof json
language plpgsql
as $$
declare
    before_t  json;
    before_p  json;
    tid       uuid := p_team;
    prev      uuid;
begin
    if tid is not null then
        before_t := team_json(tid);
        if before_t is null then
            return;
        end if;

        if (before_t->>'intake')::boolean and coalesce(p_intake, true)
           and not coalesce(p_active, true)
        then
            raise exception 'the intake team cannot be deactivated'
                using errcode = 'HD422';
        end if;
    end if;

    if p_intake then
        if not coalesce(p_active, (before_t->>'active')::boolean, true) then
            raise exception 'an inactive team cannot be the intake team'
                using errcode = 'HD422';
        end if;

        select t.id into prev from teams t
         where t.intake and t.id is distinct from tid
           for update;

        if prev is not null then
            before_p := team_json(prev);
            update teams set intake = false where id = prev;
            perform audit_append('user', p_actor, 'team', prev, 'team.updated',
                                 jsonb_build_object('before', before_p,
                                                    'after', team_json(prev)),
                                 p_ip, p_ua);
        end if;
    end if;

    if tid is null then
        insert into teams (name, region_id, calendar_id, round_robin, intake)
            values (p_name, p_region, p_calendar,
                    coalesce(p_round_robin, false), coalesce(p_intake, false))
            returning id into tid;
    else
        update teams
           set name = coalesce(p_name, name),
               region_id = coalesce(p_region, region_id),
               calendar_id = coalesce(p_calendar, calendar_id),
               round_robin = coalesce(p_round_robin, round_robin),
               active = coalesce(p_active, active),
               intake = coalesce(p_intake, intake)
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
