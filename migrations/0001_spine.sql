-- 0001_spine.sql — the platform spine: identity and roles, calendars and
-- SLAs, tickets and their workflow, email, the job queue, the hash-chained
-- audit log, and the application role helpdesk_app.
--
-- Conventions (keep them in later migrations):
--   * snake_case, lower-case keywords; primary keys `id uuid default uuid_v7()`
--     (link tables use their foreign keys);
--   * every table has created_at and updated_at; updated_at is maintained by
--     set_updated_at(), `version` (optimistic concurrency behind If-Match) by
--     bump_version() -- the triggers are attached at the end of this file to
--     every table that has the column;
--   * the database checks every invariant it can: foreign keys, checks,
--     unique keys; explicit indexes are named <table>_<cols>_idx;
--   * helpdesk_app (the nginx module's role) owns nothing and is granted
--     table by table: later migrations grant their new tables explicitly.
--
-- Applied by `helpdesk-worker migrate` in one transaction; it must not contain
-- begin/commit.


create extension if not exists citext;


-- uuid_v7(): an RFC 9562 version 7 UUID -- 48 bits of Unix milliseconds,
-- then random bits -- so keys sort by creation time and index inserts stay
-- local.  PostgreSQL 15 has none built in: take a random (v4) UUID, overlay
-- the timestamp on its first 6 bytes and turn the version nibble from
-- 0100 into 0111 (bits 52 and 53 in set_bit()'s numbering).
create function uuid_v7() returns uuid
language sql volatile parallel safe
as $$
    select encode(
        set_bit(
            set_bit(
                overlay(uuid_send(gen_random_uuid())
                        placing substring(int8send(floor(
                            extract(epoch from clock_timestamp()) * 1000
                        )::bigint) from 3)
                        from 1 for 6),
                52, 1),
            53, 1),
        'hex')::uuid
$$;


-- is_valid_time_zone(tz): true when tz looks like a zone name
-- ('Europe/London', 'UTC') and PostgreSQL can convert times to it.  Declared
-- immutable so check constraints may use it.
create function is_valid_time_zone(tz text) returns boolean
language plpgsql immutable strict
as $$
begin
    if tz !~ '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$' then
        return false;
    end if;

    perform now() at time zone tz;
    return true;
exception
    when invalid_parameter_value then
        return false;
end
$$;


-- Trigger: keep updated_at at the time of the last update.
create function set_updated_at() returns trigger
language plpgsql
as $$
begin
    new.updated_at := now();
    return new;
end
$$;


-- Trigger: every update increments version by exactly one, whatever the
-- statement wrote, so `update … where id = $1 and version = $2` is a safe
-- compare-and-set.
create function bump_version() returns trigger
language plpgsql
as $$
begin
    new.version := old.version + 1;
    return new;
end
$$;


-- ---------------------------------------------------------------------------
-- Identity and RBAC
-- ---------------------------------------------------------------------------

create table users (
    id             uuid primary key default uuid_v7(),
    external_id    text unique,     -- the identity provider's subject
    email          citext not null unique
                   check (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
    display_name   text not null
                   check (btrim(display_name) <> ''
                          and length(display_name) <= 200),
    active         boolean not null default true,
    locale         text not null default 'en'
                   check (locale ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'),
    time_zone      text not null default 'UTC'
                   check (is_valid_time_zone(time_zone)),
    password_hash  text             -- local accounts only: argon2id, encoded
                   check (password_hash like '$argon2id$%'),
    version        integer not null default 1 check (version > 0),
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now()
);

-- The five roles of the RBAC matrix in core; what each may do lives there.
create table roles (
    id          uuid primary key default uuid_v7(),
    key         text not null unique check (key ~ '^[a-z][a-z_]*$'),
    label       text not null check (btrim(label) <> ''),
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);

insert into roles (key, label) values
    ('requester', 'Requester'),
    ('agent',     'Agent'),
    ('team_lead', 'Team lead'),
    ('manager',   'Manager'),
    ('admin',     'Administrator');

create table user_roles (
    user_id     uuid not null references users (id) on delete cascade,
    role_id     uuid not null references roles (id),
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    primary key (user_id, role_id)
);

create index user_roles_role_id_idx on user_roles (role_id);


-- ---------------------------------------------------------------------------
-- Calendars, regions, teams
-- ---------------------------------------------------------------------------

create table calendars (
    id          uuid primary key default uuid_v7(),
    name        text not null unique check (btrim(name) <> ''),
    tz          text not null check (is_valid_time_zone(tz)),
    version     integer not null default 1 check (version > 0),
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);

-- A weekly working window in the calendar's local (wall-clock) time.
-- dow: 0 = Sunday … 6 = Saturday, as extract(dow).  The window opens
-- start_sec seconds after local midnight of that day and closes at end_sec:
--   * end_sec > start_sec: it closes the same day (86400 = at midnight),
--     e.g. Monday 09:00-17:30 is (1, 32400, 63000);
--   * end_sec < start_sec: an overnight shift closing end_sec seconds after
--     the next midnight, e.g. Friday 22:00-Saturday 06:00 is (5, 79200, 21600).
-- A DST change shortens or lengthens the windows of that night; overlapping
-- windows are merged by the SLA engine.
create table business_hours (
    id           uuid primary key default uuid_v7(),
    calendar_id  uuid not null references calendars (id) on delete cascade,
    dow          smallint not null check (dow between 0 and 6),
    start_sec    integer not null check (start_sec between 0 and 86399),
    end_sec      integer not null check (end_sec between 1 and 86400),
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    constraint business_hours_window_check check (end_sec <> start_sec),
    unique (calendar_id, dow, start_sec)
);

-- Whole local days without business hours.
create table holidays (
    id           uuid primary key default uuid_v7(),
    calendar_id  uuid not null references calendars (id) on delete cascade,
    date         date not null,
    label        text not null check (btrim(label) <> ''),
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    unique (calendar_id, date)
);

create table regions (
    id           uuid primary key default uuid_v7(),
    name         text not null unique check (btrim(name) <> ''),
    calendar_id  uuid not null references calendars (id),
    version      integer not null default 1 check (version > 0),
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now()
);

-- A team's SLA calendar is its own, else its region's: one of them is set.
create table teams (
    id           uuid primary key default uuid_v7(),
    name         text not null unique check (btrim(name) <> ''),
    region_id    uuid references regions (id),
    calendar_id  uuid references calendars (id),
    round_robin  boolean not null default false,
    active       boolean not null default true,
    version      integer not null default 1 check (version > 0),
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    constraint teams_calendar_check
        check (calendar_id is not null or region_id is not null)
);

create table team_members (
    team_id     uuid not null references teams (id) on delete cascade,
    user_id     uuid not null references users (id) on delete cascade,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    primary key (team_id, user_id)
);

create index team_members_user_id_idx on team_members (user_id);


-- ---------------------------------------------------------------------------
-- SLA policies
-- ---------------------------------------------------------------------------

-- Targets in business minutes.  A policy applies to one priority, for one
-- team or (team_id null) for every team without its own; at most one active
-- policy per (priority, team).
create table sla_policies (
    id                      uuid primary key default uuid_v7(),
    name                    text not null unique check (btrim(name) <> ''),
    priority                text not null
                            check (priority in ('P1', 'P2', 'P3', 'P4')),
    team_id                 uuid references teams (id),
    response_target_mins    integer not null
                            check (response_target_mins > 0),
    resolution_target_mins  integer not null
                            check (resolution_target_mins > 0),
    update_cadence_mins     integer check (update_cadence_mins > 0),
    active                  boolean not null default true,
    version                 integer not null default 1 check (version > 0),
    created_at              timestamptz not null default now(),
    updated_at              timestamptz not null default now(),
    constraint sla_policies_targets_check
        check (resolution_target_mins >= response_target_mins)
);

create unique index sla_policies_priority_team_id_idx
    on sla_policies (priority, team_id) nulls not distinct
    where active;


-- ---------------------------------------------------------------------------
-- Tickets and workflow
-- ---------------------------------------------------------------------------

-- The workflow's statuses; the allowed transitions are a table in core.
-- category drives the SLA clock: 'open' runs it, 'paused' pauses it
-- (Scheduled and every Pending…), 'resolved' and 'closed' stop it.
create table ticket_statuses (
    id          uuid primary key default uuid_v7(),
    key         text not null unique check (key ~ '^[a-z][a-z_]*$'),
    label       text not null check (btrim(label) <> ''),
    category    text not null
                check (category in ('open', 'paused', 'resolved', 'closed')),
    sort_order  smallint not null,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);

insert into ticket_statuses (key, label, category, sort_order) values
    ('new',              'New',                        'open',     10),
    ('assigned',         'Assigned',                   'open',     20),
    ('accepted',         'Accepted',                   'open',     30),
    ('in_progress',      'In Progress',                'open',     40),
    ('scheduled',        'Scheduled',                  'paused',   50),
    ('pending_info',     'Pending: Awaiting Info',     'paused',   60),
    ('pending_callback', 'Pending: Awaiting Callback', 'paused',   61),
    ('pending_parts',    'Pending: Awaiting Parts',    'paused',   62),
    ('pending_approval', 'Pending: Awaiting Approval', 'paused',   63),
    ('resolved',         'Resolved',                   'resolved', 70),
    ('closed',           'Closed',                     'closed',   80);

-- Admin-defined extra ticket fields; their values live in
-- tickets.custom_json under the same key.
create table ticket_custom_defs (
    id          uuid primary key default uuid_v7(),
    key         text not null unique check (key ~ '^[a-z][a-z0-9_]{0,62}$'),
    label       text not null check (btrim(label) <> ''),
    type        text not null
                check (type in ('text', 'textarea', 'number', 'date',
                                'boolean', 'select')),
    required    boolean not null default false,
    options     jsonb not null default '[]'
                check (jsonb_typeof(options) = 'array'),
    active      boolean not null default true,
    sort_order  smallint not null default 0,
    version     integer not null default 1 check (version > 0),
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    constraint ticket_custom_defs_select_options_check
        check ((type = 'select') = (jsonb_array_length(options) > 0))
);

-- The service catalog: each form is a JSON Schema the portal renders; a
-- submission becomes a ticket with the answers in custom_json.
create table catalog_forms (
    id                uuid primary key default uuid_v7(),
    key               text not null unique
                      check (key ~ '^[a-z][a-z0-9_]{0,62}$'),
    title             text not null check (btrim(title) <> ''),
    description       text not null default '',
    category          text,
    schema_json       jsonb not null
                      check (jsonb_typeof(schema_json) = 'object'),
    ui_json           jsonb not null default '{}'
                      check (jsonb_typeof(ui_json) = 'object'),
    default_priority  text not null default 'P3'
                      check (default_priority in ('P1', 'P2', 'P3', 'P4')),
    team_id           uuid references teams (id),
    active            boolean not null default true,
    sort_order        smallint not null default 0,
    version           integer not null default 1 check (version > 0),
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now()
);

-- number is the human reference (TKT-1000).  Satisfaction is not kept here
-- but in csat.  Tickets are soft-deleted (deleted_at); retention may purge
-- them, which cascades to everything that belongs to the ticket.
create table tickets (
    id               uuid primary key default uuid_v7(),
    number           bigint generated by default as identity (start with 1000)
                     unique,
    title            text not null
                     check (btrim(title) <> '' and length(title) <= 300),
    description      text not null default '',
    requester_id     uuid not null references users (id),
    assignee_id      uuid references users (id),
    team_id          uuid references teams (id),
    priority         text not null default 'P3'
                     check (priority in ('P1', 'P2', 'P3', 'P4')),
    urgency          smallint check (urgency between 1 and 4),
    category         text,
    subcategory      text,
    status           text not null default 'new'
                     references ticket_statuses (key),
    scheduled_at     timestamptz,
    due_at           timestamptz,
    source           text not null default 'web'
                     check (source in ('web', 'email', 'api')),
    catalog_form_id  uuid references catalog_forms (id),
    custom_json      jsonb not null default '{}'
                     check (jsonb_typeof(custom_json) = 'object'),
    version          integer not null default 1 check (version > 0),
    deleted_at       timestamptz,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    constraint tickets_subcategory_check
        check (subcategory is null or category is not null),
    constraint tickets_scheduled_at_check
        check (status <> 'scheduled' or scheduled_at is not null)
);

create index tickets_requester_id_idx on tickets (requester_id);
create index tickets_assignee_id_status_idx on tickets (assignee_id, status)
    where deleted_at is null;
create index tickets_team_id_status_idx on tickets (team_id, status)
    where deleted_at is null;
create index tickets_created_at_idx on tickets (created_at);

-- One SLA clock per ticket.  The elapsed figures are business milliseconds
-- accumulated up to last_started_at; while the clock runs the engine adds
-- the business time since last_started_at.  A paused or stopped clock has
-- no last_started_at and says why (reason: the status key, or 'stopped').
-- Due instants are stored, and recomputed on resume, so breach queries use
-- the partial indexes below.
create table ticket_sla_clocks (
    ticket_id                uuid primary key
                             references tickets (id) on delete cascade,
    policy_id                uuid not null references sla_policies (id),
    response_elapsed_ms      bigint not null default 0
                             check (response_elapsed_ms >= 0),
    resolution_elapsed_ms    bigint not null default 0
                             check (resolution_elapsed_ms >= 0),
    last_started_at          timestamptz,
    paused                   boolean not null default false,
    reason                   text,
    response_due_at          timestamptz,
    resolution_due_at        timestamptz,
    responded_at             timestamptz,
    resolved_at              timestamptz,
    breach_risk_notified_at  timestamptz,
    response_breached_at     timestamptz,
    resolution_breached_at   timestamptz,
    created_at               timestamptz not null default now(),
    updated_at               timestamptz not null default now(),
    constraint ticket_sla_clocks_running_check
        check (paused = (last_started_at is null)),
    constraint ticket_sla_clocks_paused_reason_check
        check (paused = (reason is not null))
);

create index ticket_sla_clocks_policy_id_idx
    on ticket_sla_clocks (policy_id);
create index ticket_sla_clocks_response_due_at_idx
    on ticket_sla_clocks (response_due_at)
    where responded_at is null and not paused;
create index ticket_sla_clocks_resolution_due_at_idx
    on ticket_sla_clocks (resolution_due_at)
    where resolved_at is null and not paused;

-- author_id is null for comments written by automations.  Internal
-- comments are never shown to requesters.
create table ticket_comments (
    id                uuid primary key default uuid_v7(),
    ticket_id         uuid not null references tickets (id) on delete cascade,
    author_id         uuid references users (id),
    body_md           text not null check (btrim(body_md) <> ''),
    is_internal       boolean not null default false,
    via_email_msg_id  text,         -- Message-ID of the mail it came from
    version           integer not null default 1 check (version > 0),
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now()
);

create index ticket_comments_ticket_id_created_at_idx
    on ticket_comments (ticket_id, created_at);

-- from_status is null for the ticket's first status.
create table ticket_status_history (
    id           uuid primary key default uuid_v7(),
    ticket_id    uuid not null references tickets (id) on delete cascade,
    from_status  text references ticket_statuses (key),
    to_status    text not null references ticket_statuses (key),
    actor_id     uuid references users (id),
    note         text,
    at           timestamptz not null default now(),
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    constraint ticket_status_history_change_check
        check (from_status is distinct from to_status)
);

create index ticket_status_history_ticket_id_at_idx
    on ticket_status_history (ticket_id, at);

create table ticket_watchers (
    ticket_id   uuid not null references tickets (id) on delete cascade,
    user_id     uuid not null references users (id) on delete cascade,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    primary key (ticket_id, user_id)
);

create index ticket_watchers_user_id_idx on ticket_watchers (user_id);

-- object_key addresses the content in the attachment store (filesystem or
-- S3); equal content shares a key.  uploader_id is null for system uploads.
create table attachments (
    id           uuid primary key default uuid_v7(),
    ticket_id    uuid not null references tickets (id) on delete cascade,
    comment_id   uuid references ticket_comments (id) on delete cascade,
    uploader_id  uuid references users (id),
    object_key   text not null check (object_key <> ''),
    filename     text not null
                 check (length(filename) between 1 and 255
                        and filename !~ '[/\\[:cntrl:]]'),
    bytes        bigint not null check (bytes >= 0),
    mime         text not null default 'application/octet-stream'
                 check (mime ~* '^[a-z0-9][a-z0-9!#$&^_.+-]*'
                                 '/[a-z0-9][a-z0-9!#$&^_.+-]*$'),
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now()
);

create index attachments_ticket_id_idx on attachments (ticket_id);
create index attachments_object_key_idx on attachments (object_key);

-- One satisfaction survey per ticket.  The emailed token is stored only as
-- its sha256; expires_at is set by the writer (30 days by default).
create table csat (
    id            uuid primary key default uuid_v7(),
    ticket_id     uuid not null unique
                  references tickets (id) on delete cascade,
    token_hash    bytea not null unique check (length(token_hash) = 32),
    expires_at    timestamptz not null,
    score         text check (score in ('good', 'bad')),
    comment       text,
    responded_at  timestamptz,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    constraint csat_response_check
        check ((score is null) = (responded_at is null)),
    constraint csat_comment_check
        check (comment is null or score is not null)
);


-- ---------------------------------------------------------------------------
-- Email and integrations
-- ---------------------------------------------------------------------------

-- Every fetched mail, stored before it is parsed so that nothing is lost or
-- processed twice.  message_id is the Message-ID header, or
-- 'sha256:<hex of the raw bytes>' when there is none.  match_rule records
-- how the mail was threaded.
create table email_inbound (
    id             uuid primary key default uuid_v7(),
    message_id     text not null unique check (message_id <> ''),
    mailbox        text not null,   -- IMAP folder, or 'webhook'
    raw_store_key  text not null check (raw_store_key <> ''),
    from_addr      citext,
    subject        text,
    parsed_json    jsonb check (jsonb_typeof(parsed_json) = 'object'),
    status         text not null default 'received'
                   check (status in ('received', 'processed', 'quarantined',
                                     'ignored')),
    match_rule     text
                   check (match_rule in ('in_reply_to', 'references',
                                         'subject_tag', 'new_ticket',
                                         'new_linked_ticket')),
    error          text,
    ticket_id      uuid references tickets (id) on delete set null,
    comment_id     uuid references ticket_comments (id) on delete set null,
    received_at    timestamptz not null default now(),
    processed_at   timestamptz,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    constraint email_inbound_processed_check
        check (status <> 'processed'
               or (match_rule is not null and processed_at is not null)),
    constraint email_inbound_quarantined_check
        check (status <> 'quarantined' or error is not null)
);

create index email_inbound_status_idx on email_inbound (status)
    where status in ('received', 'quarantined');
create index email_inbound_ticket_id_idx on email_inbound (ticket_id);

-- Mail we send.  message_id is ours, so replies thread back; in_reply_to
-- and thread_references carry the thread.  Delivery runs from jobs.
create table email_outbound (
    id                 uuid primary key default uuid_v7(),
    message_id         text not null unique check (message_id <> ''),
    ticket_id          uuid references tickets (id) on delete set null,
    to_addr            citext not null
                       check (to_addr ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
    subject            text not null,
    body_html          text,
    body_text          text not null,
    in_reply_to        text,
    thread_references  text,
    status             text not null default 'queued'
                       check (status in ('queued', 'sending', 'sent',
                                         'failed')),
    retries            integer not null default 0 check (retries >= 0),
    last_error         text,
    sent_at            timestamptz,
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now(),
    constraint email_outbound_sent_at_check
        check ((status = 'sent') = (sent_at is not null))
);

create index email_outbound_ticket_id_idx on email_outbound (ticket_id);
create index email_outbound_status_idx on email_outbound (status)
    where status <> 'sent';

-- Outgoing HTTP notifications.  secret is the HMAC-SHA256 signing key, so
-- it is stored as is.
create table webhooks (
    id          uuid primary key default uuid_v7(),
    name        text not null unique check (btrim(name) <> ''),
    target_url  text not null check (target_url ~ '^https?://[^[:space:]]+$'),
    event_mask  text[] not null check (cardinality(event_mask) > 0),
    secret      text not null check (length(secret) >= 16),
    active      boolean not null default true,
    version     integer not null default 1 check (version > 0),
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);


-- ---------------------------------------------------------------------------
-- Knowledge base and agent tools
-- ---------------------------------------------------------------------------

create table kb_articles (
    id            uuid primary key default uuid_v7(),
    slug          text not null unique
                  check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    title         text not null check (btrim(title) <> ''),
    body_md       text not null,
    category      text,
    visibility    text not null default 'internal'
                  check (visibility in ('public', 'internal')),
    status        text not null default 'draft'
                  check (status in ('draft', 'published', 'archived')),
    published_at  timestamptz,
    author_id     uuid references users (id),
    version       integer not null default 1 check (version > 0),
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    constraint kb_articles_published_at_check
        check (status <> 'published' or published_at is not null)
);

-- owner_id null: shared with every agent.
create table saved_replies (
    id          uuid primary key default uuid_v7(),
    owner_id    uuid references users (id) on delete cascade,
    title       text not null check (btrim(title) <> ''),
    body_md     text not null,
    version     integer not null default 1 check (version > 0),
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    unique nulls not distinct (owner_id, title)
);


-- ---------------------------------------------------------------------------
-- Jobs: the transactional outbox
-- ---------------------------------------------------------------------------

-- A job is inserted in the same transaction as the change that causes it.
-- Workers claim due jobs with
--     select id from jobs
--      where status = 'queued' and run_at <= now()
--      order by run_at limit $1
--        for update skip locked
-- and mark them running (locked_by, locked_at).  A failure records
-- last_error and requeues with a later run_at; after max_attempts the job is
-- 'dead' and stays for admins.  dedupe_key turns "enqueue once" into a
-- unique-key conflict.
create table jobs (
    id            uuid primary key default uuid_v7(),
    kind          text not null check (kind ~ '^[a-z][a-z0-9_.]*$'),
    payload       jsonb not null default '{}'
                  check (jsonb_typeof(payload) = 'object'),
    dedupe_key    text unique,
    status        text not null default 'queued'
                  check (status in ('queued', 'running', 'done', 'dead')),
    run_at        timestamptz not null default now(),
    attempts      integer not null default 0 check (attempts >= 0),
    max_attempts  integer not null default 10 check (max_attempts > 0),
    last_error    text,
    locked_by     text,
    locked_at     timestamptz,
    done_at       timestamptz,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    constraint jobs_attempts_max_check check (attempts <= max_attempts),
    constraint jobs_running_check
        check ((status = 'running') = (locked_by is not null)),
    constraint jobs_lock_check
        check ((locked_by is null) = (locked_at is null)),
    constraint jobs_done_check
        check ((status = 'done') = (done_at is not null)),
    constraint jobs_dead_check
        check (status <> 'dead' or last_error is not null)
);

create index jobs_run_at_idx on jobs (run_at) where status = 'queued';
create index jobs_locked_at_idx on jobs (locked_at) where status = 'running';


-- ---------------------------------------------------------------------------
-- Audit: append-only, hash-chained
-- ---------------------------------------------------------------------------

-- Every write appends one event in the same transaction.  hash =
-- sha256(prev_hash || canonical event bytes), computed by core; the first
-- event's prev_hash is 32 zero bytes.  Writers serialize on
-- audit_chain_head (select … for update), so id order is chain order, and
-- unique prev_hash forbids forks.  helpdesk_app may only select and insert;
-- rows never change, hence no updated_at.
create table audit_events (
    id           bigint generated always as identity primary key,
    actor_type   text not null
                 check (actor_type in ('user', 'api_token', 'email',
                                       'system')),
    actor_id     uuid,
    entity_type  text not null check (entity_type ~ '^[a-z][a-z_]*$'),
    entity_id    uuid,
    action       text not null check (action ~ '^[a-z][a-z_.]*$'),
    diff_json    jsonb not null default '{}'
                 check (jsonb_typeof(diff_json) = 'object'),
    ip           inet,
    ua           text,
    at           timestamptz not null default now(),
    hash         bytea not null unique check (length(hash) = 32),
    prev_hash    bytea not null unique check (length(prev_hash) = 32),
    created_at   timestamptz not null default now(),
    constraint audit_events_actor_check
        check (actor_type = 'system' or actor_id is not null)
);

create index audit_events_entity_type_entity_id_idx
    on audit_events (entity_type, entity_id);
create index audit_events_actor_id_idx on audit_events (actor_id);
create index audit_events_at_idx on audit_events (at);

-- The chain's tip: exactly one row (id is always true).  last_id is null
-- and last_hash all zeroes until the first event.
create table audit_chain_head (
    id          boolean primary key default true check (id),
    last_id     bigint references audit_events (id),
    last_hash   bytea not null check (length(last_hash) = 32),
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    constraint audit_chain_head_genesis_check
        check (last_id is not null
               or last_hash = decode(repeat('00', 32), 'hex'))
);

insert into audit_chain_head (last_hash)
    values (decode(repeat('00', 32), 'hex'));


-- ---------------------------------------------------------------------------
-- Row triggers: updated_at and version on every table that has them
-- ---------------------------------------------------------------------------

do $$
declare
    t record;
begin
    for t in
        select c.relname as name,
               bool_or(a.attname = 'updated_at') as has_updated_at,
               bool_or(a.attname = 'version') as has_version
          from pg_class c
          join pg_namespace n on n.oid = c.relnamespace
          join pg_attribute a on a.attrelid = c.oid
         where n.nspname = 'public'
           and c.relkind = 'r'
           and c.relname <> 'schema_migrations'  -- version = file number
           and a.attname in ('updated_at', 'version')
           and not a.attisdropped
         group by c.relname
    loop
        if t.has_updated_at then
            execute format('create trigger %I before update on %I '
                           'for each row execute function set_updated_at()',
                           t.name || '_set_updated_at', t.name);
        end if;

        if t.has_version then
            execute format('create trigger %I before update on %I '
                           'for each row execute function bump_version()',
                           t.name || '_bump_version', t.name);
        end if;
    end loop;
end
$$;


-- ---------------------------------------------------------------------------
-- The application role
-- ---------------------------------------------------------------------------

-- helpdesk_app is what the nginx module logs in as: it reads and writes the
-- tables above and owns none of them.  Its password (if any) is set outside
-- migrations; the private development cluster trusts local connections.
do $$
begin
    if not exists (select from pg_roles where rolname = 'helpdesk_app') then
        create role helpdesk_app login;
    end if;

    execute format('grant connect on database %I to helpdesk_app',
                   current_database());
end
$$;

grant usage on schema public to helpdesk_app;
grant select, insert, update, delete on all tables in schema public
    to helpdesk_app;
grant usage, select on all sequences in schema public to helpdesk_app;

-- Append-only and migrator-owned tables.
revoke update, delete, truncate on audit_events from helpdesk_app;
revoke insert, delete, truncate on audit_chain_head from helpdesk_app;
revoke insert, update, delete, truncate on schema_migrations
    from helpdesk_app;
