/*
 * wk.h — the helpdesk-worker's internal interface.
 *
 * The worker is a plain command-line program (not nginx), so it may block on
 * libpq.  One file per concern:
 *
 *   main.c         command-line parsing and dispatch
 *   wk_log.c       one line per event on stderr
 *   wk_config.c    settings: HELPDESK_DB, $HELPDESK_CONF / var/helpdesk.conf
 *   wk_pg.c        connecting (interruptible), running statements, errors
 *   wk_migrate.c   `migrate` and `migrate --status`
 *   wk_seed.c      `seed-demo` (SQL embedded from worker/seed_demo.sql)
 *   wk_run.c       `run`: the long-lived loop, signals, reconnect backoff
 *   wk_user.c      `user add|passwd|list`: local accounts from the shell
 *   wk_oidc.c      `oidc-refresh`: the issuer's JWKS into a file, atomically
 *   wk_audit.c     `audit verify`: the audit log's hash chain, recomputed
 *   wk_mail_in.c   inbound email: IMAP poller, stored mail → tickets
 *                  (with wk_mime.c and wk_store.c; see wk_mail.h)
 *   wk_sla.c       `sla expand|tick`: calendar expansions and the SLA tick
 *   wk_mail_conf.c outbound email settings (smtp_*, mail_*, org_*)
 *   wk_jobs.c      the jobs outbox runner, auto-close, `jobs run-once`
 *   wk_notify.c    job handlers that compose notification mail
 *   wk_smtp.c      email_outbound rows to SMTP with libcurl
 */

#ifndef WK_H
#define WK_H

#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#include <libpq-fe.h>

#ifndef HD_VERSION
#define HD_VERSION "0.1.0"
#endif

#define WK_NAME "helpdesk-worker"

/* Exit codes shared by every command. */
#define WK_EXIT_OK     0
#define WK_EXIT_FAIL   1
#define WK_EXIT_USAGE  2

/*
 * Session-level advisory lock keys.  Each is a distinct bigint so that
 * different duties never block each other; "HDMIGRAT" in ASCII.
 */
#define WK_LOCK_MIGRATE  0x48444d4947524154LL


/* wk_log.c */

/*
 * Write one line to stderr: "helpdesk-worker: <msg>", or, once
 * wk_log_timestamps(1) was called (the `run` command), prefixed with an
 * ISO-8601 UTC timestamp and the pid.  The line is written with a single
 * write(2) so concurrent writers do not interleave.
 */
void wk_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void wk_log_timestamps(int on);

/* Milliseconds on the monotonic clock, for timeouts and durations. */
long long wk_now_ms(void);


/* wk_mail_conf.c: outbound email settings, part of wk_config_t */

typedef struct {
    char  smtp_url[1024];           /* smtp://host:port or smtps://…; ""
                                       keeps mail queued */
    int   smtp_starttls;            /* smtp://: 1 requires STARTTLS */
    char  smtp_user[256];
    char  smtp_password[1024];      /* env HELPDESK_SMTP_PASSWORD */
    char  smtp_bearer[4096];        /* XOAUTH2; env HELPDESK_SMTP_BEARER */
    char  from[256];                /* mail_from; "" turns notifications
                                       off */
    char  reply_to[256];            /* mail_reply_to, default mail_from */
    char  org_name[201];
    char  org_color[8];             /* "#RRGGBB" */
    char  public_url[1024];         /* base of the survey links */
    int   auto_close_days;          /* 0: auto-close off */
    int   retry_seconds;            /* first retry delay, doubling */
    int   max_attempts;             /* SMTP attempts before 'failed' */
} wk_mail_conf_t;

/* The defaults, before the settings file is read. */
void wk_mail_conf_defaults(wk_mail_conf_t *mc);

/*
 * Apply one `key = value` pair of the settings file if it is an outbound
 * email key: 1 done, 0 not such a key, -1 a bad value (logged).
 */
int wk_mail_conf_set(wk_mail_conf_t *mc, const char *key,
    const char *value, const char *path, int lineno);

/* Environment overrides and derived defaults, after the file: 0 or -1. */
int wk_mail_conf_finish(wk_mail_conf_t *mc);


/* wk_config.c */

#define WK_OIDC_REFRESH_DEFAULT  300      /* seconds */
#define WK_OIDC_REFRESH_MAX      86400
#define WK_SLA_TICK_DEFAULT      60       /* seconds */

typedef struct {
    char  db[2048];                 /* libpq conninfo; "" when unset */
    char  migrations_dir[PATH_MAX];
    char  conf_path[PATH_MAX];      /* the file that was read, or "" */
    const char *db_source;          /* "HELPDESK_DB", the file, or NULL */

    char  oidc_issuer[1024];        /* "" when OIDC is off */
    char  oidc_jwks_file[PATH_MAX]; /* where `oidc-refresh` writes the keys */
    int   oidc_refresh_seconds;     /* 1 .. WK_OIDC_REFRESH_MAX */
    int   sla_tick_seconds;         /* 0 (off) .. WK_OIDC_REFRESH_MAX */

    wk_mail_conf_t  mail;           /* outbound email (wk_mail_conf.c) */
} wk_config_t;

/*
 * Fill cfg from the environment and the settings file.  HELPDESK_DB wins
 * over the file's `db`, HELPDESK_OIDC_ISSUER and HELPDESK_OIDC_JWKS_FILE
 * over `oidc_issuer` and `oidc_jwks_file` (an empty variable counts as
 * unset).  The file is $HELPDESK_CONF, else var/helpdesk.conf relative to
 * the cwd; a missing default file is not an error, a missing
 * $HELPDESK_CONF is.  Returns 0, or -1 after logging why.
 */
int wk_config_load(wk_config_t *cfg);

/* Fail (log and return -1) when no database was configured. */
int wk_config_require_db(const wk_config_t *cfg);


/* wk_pg.c */

/*
 * Connect with conninfo, tagging the session with application_name
 * "helpdesk-worker <what>".  Non-blocking underneath: when stop is not
 * NULL and *stop becomes non-zero the attempt is abandoned within ~200 ms.
 * Gives up after timeout_sec.  Returns the connection, or NULL with a
 * one-line reason in errbuf; when errbuf is NULL the reason is logged.
 */
PGconn *wk_pg_connect(const char *conninfo, const char *what,
    volatile sig_atomic_t *stop, int timeout_sec, char *errbuf,
    size_t errlen);

/*
 * Run sql (no parameters) and check that it succeeded.  Returns the result
 * (caller PQclear()s) or NULL after logging "<what>: <server message>".
 */
PGresult *wk_pg_exec(PGconn *conn, const char *sql, const char *what);

/* Like wk_pg_exec() for statements whose result is not needed: 0 or -1. */
int wk_pg_run(PGconn *conn, const char *sql, const char *what);

/*
 * Copy PQerrorMessage(conn) into buf as a single line (runs of
 * whitespace and newlines folded into one space) and return buf.
 */
char *wk_pg_error_line(PGconn *conn, char *buf, size_t len);

/*
 * Log a failed result of running the script sql (named label, e.g. a file
 * path) as "label:line: message (SQLSTATE x)", followed by the server's
 * detail, hint and first context line when present.  The line is derived
 * from the error position; sql may be NULL.
 */
void wk_pg_report(PGconn *conn, const PGresult *res, const char *label,
    const char *sql);

/* "dbname on host:port as user", for log lines.  Returns buf. */
char *wk_pg_describe(PGconn *conn, char *buf, size_t len);

/* Print a result to stdout as an aligned text table, header line first. */
void wk_pg_print(const PGresult *res);


/* wk_oidc.c */

typedef enum {
    WK_OIDC_FAILED = -1,            /* the old file, if any, is kept */
    WK_OIDC_UNCHANGED = 0,          /* same bytes: the file was not touched */
    WK_OIDC_WRITTEN = 1             /* new keys are in place */
} wk_oidc_rc_t;

/*
 * Check the OIDC settings without any I/O: an issuer that is an absolute
 * https URL (http only for a loopback host) without query or fragment, and
 * a JWKS file.  Returns 0, or -1 with the reason in err.
 */
int wk_oidc_check_config(const wk_config_t *cfg, char *err, size_t errlen);

/*
 * Discover cfg->oidc_issuer, fetch its JWKS, validate it with the core's
 * hd_jwks_parse() and replace cfg->oidc_jwks_file atomically when the bytes
 * differ.  Blocks for at most two bounded HTTP requests; when stop is not
 * NULL and *stop becomes non-zero the transfer is abandoned within ~1 s.
 * *nkeys (may be NULL) gets the number of usable keys.  On failure err
 * holds one line saying why.
 */
wk_oidc_rc_t wk_oidc_refresh(const wk_config_t *cfg,
    volatile sig_atomic_t *stop, size_t *nkeys, char *err, size_t errlen);

/* Release libcurl's global state (at exit; harmless when never used). */
void wk_oidc_cleanup(void);


/* wk_mail_in.c — inbound email (settings: mail_in_*, attachments_dir) */

/* Read the mail-in settings from cfg's file.  0, or -1 (logged). */
int wk_mail_in_init(const wk_config_t *cfg);

/*
 * Poll the IMAP folders whose round has come and process stored mail, on
 * conn.  Returns 1 when mail is left waiting (call again at once), 0, or
 * -1 when the database connection broke.
 */
int wk_mail_in_session(PGconn *conn, volatile sig_atomic_t *stop);

void wk_mail_in_cleanup(void);
/* wk_jobs.c, wk_notify.c, wk_smtp.c: the outbox and outbound email */

/*
 * One round of the jobs duty of `run`: auto-close (once a minute), then
 * due jobs for at most about a second.  Returns 1 when it handled a job
 * (more may be due: call again at once), 0 when nothing was due, or -1
 * when the connection broke (logged).
 */
int wk_jobs_duty(PGconn *conn, const wk_config_t *cfg,
    volatile sig_atomic_t *stop);

/*
 * The handler of one notification job, inside the job's transaction on
 * conn: composes and inserts its email_outbound rows.  ids are the
 * payload's members as text (NULL when absent).  Returns 0, or -1 with the
 * reason in err (the transaction is then rolled back and retried).
 */
typedef struct {
    const char  *id;                /* the job's id */
    const char  *kind;
    const char  *ticket_id;
    const char  *comment_id;
    const char  *inbound_id;
    const char  *source;
    const char  *to;                /* ticket.status_changed */
    const char  *clock;             /* sla.*: response | resolution */
    int          is_internal;
} wk_job_t;

int wk_notify_job(PGconn *conn, const wk_config_t *cfg, const wk_job_t *job,
    char *err, size_t errlen);

/*
 * Send due email_outbound rows for up to budget_ms.  *sent and *failed
 * (may be NULL) count what happened.  Returns 0, or -1 when the database
 * connection broke (logged).
 */
int wk_smtp_send_due(PGconn *conn, const wk_config_t *cfg,
    volatile sig_atomic_t *stop, long long budget_ms, int *sent, int *failed);

/*
 * One round of the mail duty of `run`: due email_outbound rows sent for
 * at most about a second.  Returns 1 when it settled a mail (sent or not;
 * call again at once), 0 when none was due, or -1 when the connection
 * broke (logged).
 */
int wk_smtp_duty(PGconn *conn, const wk_config_t *cfg,
    volatile sig_atomic_t *stop);

void wk_smtp_cleanup(void);


/* Commands.  Each returns a WK_EXIT_* code. */

int wk_migrate(const wk_config_t *cfg);
int wk_migrate_status(const wk_config_t *cfg);
int wk_seed_demo(const wk_config_t *cfg);
int wk_run(const wk_config_t *cfg);
int wk_oidc_refresh_command(const wk_config_t *cfg);

/* `user add|passwd|list`; argv holds what follows "user". */
int wk_user(const wk_config_t *cfg, int argc, char **argv);
void wk_user_usage(FILE *fp);

/*
 * `audit verify [--from ID]`; argv holds what follows "audit".  Reads the
 * settings itself (cfg is unused): exit 1 means a broken chain, 2 that it
 * could not be checked.
 */
int wk_audit(const wk_config_t *cfg, int argc, char **argv);
void wk_audit_usage(FILE *fp);


/* wk_sla.c */

int wk_sla(const wk_config_t *cfg, int argc, char **argv);
void wk_sla_usage(FILE *fp);

/* Expand the calendars that need it (0, or -1: some failed, logged). */
int wk_sla_expand(PGconn *conn);

/* One tick (now NULL: the database's clock); prints its counts to out. */
int wk_sla_tick(PGconn *conn, const char *now, FILE *out);
/* `jobs run-once`; argv holds what follows "jobs". */
int wk_jobs_command(const wk_config_t *cfg, int argc, char **argv);

/* The demo seed, embedded at build time (generated seed_demo.c). */
extern const unsigned char wk_seed_demo_sql[];

#endif /* WK_H */
