-- seed_demo.sql — the demo organisation, applied by `helpdesk-worker
-- seed-demo` in one transaction.  Embedded into the binary at build time.
--
-- Idempotent: every insert names rows by a natural key (email, name, key,
-- slug) and does nothing on conflict, so a second run changes nothing and
-- never overwrites what an admin edited.  Not a migration: production
-- databases never see it.
--
-- Every demo account's password is "demo-password" (argon2id below).  The
-- last statement lists the accounts; seed-demo prints it.


-- Calendars: London office hours (Mon-Fri 09:00-17:30) and round the clock.
insert into calendars (name, tz) values
    ('London office hours', 'Europe/London'),
    ('24x7',                'UTC')
on conflict do nothing;

-- Tickets without a team run on London office hours.
update calendars set is_default = true
 where name = 'London office hours'
   and not exists (select from calendars where is_default);

insert into business_hours (calendar_id, dow, start_sec, end_sec)
select c.id, d.dow, 9 * 3600, 17 * 3600 + 1800
  from calendars c, generate_series(1, 5) as d (dow)
 where c.name = 'London office hours'
on conflict do nothing;

insert into business_hours (calendar_id, dow, start_sec, end_sec)
select c.id, d.dow, 0, 86400
  from calendars c, generate_series(0, 6) as d (dow)
 where c.name = '24x7'
on conflict do nothing;

insert into holidays (calendar_id, date, label)
select c.id, h.date::date, h.label
  from calendars c,
       (values ('2025-12-25', 'Christmas Day'),
               ('2025-12-26', 'Boxing Day'),
               ('2026-01-01', 'New Year''s Day'),
               ('2026-04-03', 'Good Friday'),
               ('2026-04-06', 'Easter Monday'),
               ('2026-05-04', 'Early May bank holiday'),
               ('2026-05-25', 'Spring bank holiday'),
               ('2026-08-31', 'Summer bank holiday'),
               ('2026-12-25', 'Christmas Day'),
               ('2026-12-28', 'Boxing Day (substitute day)'))
           as h (date, label)
 where c.name = 'London office hours'
on conflict do nothing;


-- Region and teams.
insert into regions (name, calendar_id)
select 'EMEA', id from calendars where name = 'London office hours'
on conflict do nothing;

insert into teams (name, region_id, calendar_id, round_robin)
select t.name, r.id, c.id, t.round_robin
  from (values ('Service Desk',   null,   true),
               ('Infrastructure', '24x7', false),
               ('Applications',   null,   false))
           as t (name, calendar, round_robin)
  join regions r on r.name = 'EMEA'
  left join calendars c on c.name = t.calendar
on conflict do nothing;


-- SLA policies for every team (targets in business minutes).
insert into sla_policies (name, priority, response_target_mins,
                          resolution_target_mins, update_cadence_mins)
values
    ('P1 Critical', 'P1',  15,  240,   30),
    ('P2 High',     'P2',  60,  480,  120),
    ('P3 Normal',   'P3', 240, 1440, null),
    ('P4 Low',      'P4', 480, 4800, null)
on conflict do nothing;


-- Demo accounts, one or two per role.
insert into users (email, display_name, locale, time_zone, password_hash)
select u.email, u.display_name, 'en-GB', 'Europe/London',
       '$argon2id$v=19$m=19456,t=2,p=1$7pFSQvtiLQlcD2oOLyn4ig'
       '$dBR/6oq+AvA7MY/u7vZo1ymznaHI8Yq526l7MJqp9lc'
  from (values ('admin@example.com',      'Ada Admin'),
               ('manager@example.com',    'Morgan Manager'),
               ('lead@example.com',       'Lee Lead'),
               ('agent@example.com',      'Alex Agent'),
               ('agent2@example.com',     'Sam Agent'),
               ('requester@example.com',  'Riley Requester'),
               ('requester2@example.com', 'Jordan Requester'))
           as u (email, display_name)
on conflict do nothing;

insert into user_roles (user_id, role_id)
select u.id, r.id
  from (values ('admin@example.com',      'admin'),
               ('manager@example.com',    'manager'),
               ('lead@example.com',       'team_lead'),
               ('agent@example.com',      'agent'),
               ('agent2@example.com',     'agent'),
               ('requester@example.com',  'requester'),
               ('requester2@example.com', 'requester'))
           as x (email, role)
  join users u on u.email = x.email
  join roles r on r.key = x.role
on conflict do nothing;

insert into team_members (team_id, user_id)
select t.id, u.id
  from (values ('Service Desk',   'lead@example.com'),
               ('Service Desk',   'agent@example.com'),
               ('Infrastructure', 'agent2@example.com'))
           as x (team, email)
  join teams t on t.name = x.team
  join users u on u.email = x.email
on conflict do nothing;


-- Custom fields.
insert into ticket_custom_defs (key, label, type, required, sort_order) values
    ('asset_tag',      'Asset tag',      'text',   false, 10),
    ('affected_users', 'Affected users', 'number', false, 20)
on conflict do nothing;


-- The service catalog: three forms.
insert into catalog_forms (key, title, description, category,
                           default_priority, team_id, sort_order, schema_json)
select f.key, f.title, f.description, f.category, f.priority, t.id,
       f.sort_order, f.schema_json::jsonb
  from (values
    ('new_laptop', 'Request a new laptop',
     'A laptop for a new starter or to replace a broken one.',
     'Hardware', 'P4', 'Service Desk', 10,
     '{"type": "object",
       "required": ["model", "reason"],
       "properties": {
         "model":     {"type": "string", "title": "Model",
                       "enum": ["Standard 14\"", "Developer 16\"",
                                "Ultralight 13\""]},
         "reason":    {"type": "string", "title": "Why is it needed?",
                       "enum": ["New starter", "Replacement", "Upgrade"]},
         "needed_by": {"type": "string", "format": "date",
                       "title": "Needed by"},
         "notes":     {"type": "string", "title": "Anything else?",
                       "maxLength": 2000}
       }}'),
    ('software_access', 'Request access to an application',
     'Access to a business application or shared drive.',
     'Access', 'P3', 'Applications', 20,
     '{"type": "object",
       "required": ["application", "access_level"],
       "properties": {
         "application":   {"type": "string", "title": "Application",
                           "maxLength": 200},
         "access_level":  {"type": "string", "title": "Access level",
                           "enum": ["read", "write", "admin"]},
         "approver_email": {"type": "string", "format": "email",
                            "title": "Approving manager"}
       }}'),
    ('account_unlock', 'Reset a password or unlock an account',
     'Locked out?  We will verify who you are and reset it.',
     'Access', 'P2', 'Service Desk', 30,
     '{"type": "object",
       "required": ["system"],
       "properties": {
         "system":   {"type": "string", "title": "System",
                      "enum": ["Email", "VPN", "Laptop login", "Other"]},
         "username": {"type": "string", "title": "Username", "maxLength": 100}
       }}'))
    as f (key, title, description, category, priority, team, sort_order,
          schema_json)
  join teams t on t.name = f.team
on conflict do nothing;


-- Knowledge base: one public, one internal article.
insert into kb_articles (slug, title, body_md, category, visibility, status,
                         published_at, author_id)
select a.slug, a.title, a.body_md, a.category, a.visibility, 'published',
       now(), u.id
  from (values
    ('reset-your-password', 'How to reset your password',
     '# How to reset your password

1. Open the sign-in page and choose **Forgot password**.
2. Enter your work email; a reset link arrives within a minute.
3. Pick a passphrase of at least 12 characters.

Still locked out?  Use the *Reset a password or unlock an account* form in
the service catalog.
',
     'Accounts', 'public'),
    ('vpn-troubleshooting', 'VPN troubleshooting checklist (agents)',
     '# VPN troubleshooting

- Confirm the user can reach the internet without the VPN.
- Check the account is not locked (directory console).
- Ask for the client version; anything more than two releases old:
  reinstall.
- Attach the client log to the ticket before escalating to Infrastructure.
',
     'Network', 'internal'))
    as a (slug, title, body_md, category, visibility)
  join users u on u.email = 'lead@example.com'
on conflict do nothing;


-- Shared saved replies.
insert into saved_replies (owner_id, title, body_md) values
    (null, 'Acknowledge',
     'Hi {{requester.first_name}},

Thanks for reaching out.  We are looking into it and will update you soon.'),
    (null, 'Need more details',
     'Hi {{requester.first_name}},

Could you tell us when this started and send a screenshot of the error?')
on conflict do nothing;


-- The demo accounts, printed by seed-demo.
select u.email as account,
       string_agg(r.key, ', ' order by r.key) as roles,
       'demo-password' as password
  from users u
  join user_roles ur on ur.user_id = u.id
  join roles r on r.id = ur.role_id
 where u.email in ('admin@example.com', 'manager@example.com',
                   'lead@example.com', 'agent@example.com',
                   'agent2@example.com', 'requester@example.com',
                   'requester2@example.com')
 group by u.email
 order by min(case r.key when 'admin' then 1 when 'manager' then 2
                         when 'team_lead' then 3 when 'agent' then 4
                         else 5 end),
          u.email;
