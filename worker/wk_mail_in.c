/*
 * wk_mail_in.c — inbound email: the IMAP poller and the processing of
 * stored mail, run from the worker loop (wk_run.c) while it has a database
 * connection.
 *
 * For each configured folder, every round takes a batch: list up to
 * WK_MAIL_BATCH UIDs that do not yet carry our keyword ($HelpdeskIngested),
 * mark them \Seen in one UID STORE, fetch each message (libcurl imap:// or
 * imaps://, password or XOAUTH2 bearer) and store its raw bytes in the
 * attachment store (content-addressed), then
 *   1. record an email_inbound row for each, keyed by the Message-ID (or
 *      "sha256:<hex>") in status 'received' — a second copy of the same
 *      mail finds the row; the batch's rows in one transaction;
 *   2. parse each (wk_mime.c) and call email_ingest() (migrations/
 *      0012_email_in.sql), which writes the ticket or comment and marks
 *      the row processed or quarantined — the whole batch in one
 *      transaction, each mail in its own savepoint, so a mail the
 *      database refuses is rolled back alone and quarantined while the
 *      others commit;
 *   3. only after that commit, flag the batch \Seen and $HelpdeskIngested
 *      in one UID STORE.
 * A crash anywhere leaves either no row (the mail is fetched again), a
 * 'received' row (processed again from the stored bytes), or a finished row
 * whose mail was not flagged yet (fetched again, found, flagged).  libcurl
 * fetches with BODY[] (it has no BODY.PEEK[]), which sets \Seen as a side
 * effect; that is why the poller keys on its own keyword, not on \Seen.
 * Setting \Seen on the whole batch first spares the server a flag change
 * (a maildir rename and index write) per fetch; a STORE per mail cost
 * Dovecot ~50 ms on a 10 000-mail folder, more than everything else.
 * While a batch goes into the database, a folder holding more takes its
 * next batch (the UIDs above this one's) on a thread of its own over a
 * second connection: fetching waits on the server, ingesting on the
 * database, and each waits less alone.  The thread touches no database;
 * what it took is only stored bytes until a round records it.
 *
 * Rows left 'received' (the inbound webhook's, and mail an admin sent back
 * for another try) are processed from the stored bytes on the same round.
 * An unreachable server backs off (doubling from the poll interval to five
 * minutes) per folder; nothing is lost meanwhile, the mail waits there.
 *
 * Settings (in the worker's settings file): mail_in_url (imap[s]://host:
 * port, enables polling), mail_in_user, mail_in_password or
 * mail_in_bearer, mail_in_folders (comma list, default INBOX),
 * mail_in_interval (seconds, default 60), mail_in_auto_create (on: an
 * unknown sender becomes a requester; off: quarantined), mail_in_addresses
 * (our own addresses, never auto-replied to), mail_in_rate_limit (new
 * tickets per sender per hour, default 20, 0 = none),
 * mail_in_max_attachment (bytes, default 25 MB) and attachments_dir (the
 * store, shared with nginx's helpdesk_attachments; enables processing).
 * Mailboxes admins add through the API (migrations/0015_mailboxes.sql)
 * are polled the same way: the active ones are read every few seconds
 * (a changed version reconnects), each with its own URL, login, folders
 * and interval; the credential is sealed in the database and opened here
 * with the instance key (instance_key_file, the nginx module's
 * helpdesk_session_key_file; core/hd_secret.h).  After each round of a
 * mailbox the outcome (ok, or the error) goes to mailbox_status through
 * mailbox_polled(), for admins to see.
 *
 * mail_in_test_crash = stored|committed makes the process SIGKILL itself
 * right after a mail's row is stored or its ingest committed (before the
 * flag): the test suite's way to prove that a crash loses and duplicates
 * nothing.
 */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <openssl/crypto.h>

#include <cjson/cJSON.h>

#include "hd_mailin.h"
#include "hd_secret.h"
#include "wk.h"
#include "wk_mail.h"


#define WK_MAIL_FOLDERS_MAX   16
#define WK_MAIL_BACKOFF_MAX   300000LL      /* ms */
#define WK_MAIL_BATCH         200           /* messages per folder round */
#define WK_MAIL_BATCH_BYTES   (64 << 20)    /* fetched bytes per round */
#define WK_MAIL_SWEEP_S       "100"         /* stored rows per round */
#define WK_MAIL_KEYWORD       "$HelpdeskIngested"
#define WK_MAIL_BOXES_MAX     64
#define WK_MAIL_BOXES_EVERY   3000LL        /* ms between reads of mailboxes */


/* A mail of one batch: fetched (uid) or read back from the store. */
typedef struct {
    unsigned long  uid;
    char           id[40];          /* its email_inbound row */
    char           key[WK_STORE_KEY_LEN + 1];   /* its raw bytes' */
    char           mid[HD_MAILIN_ID_MAX + 8];   /* the row's key */
    char          *raw;
    size_t         len;
    int            ingest;          /* the row is 'received' */
} wk_mail_msg_t;

/* A batch of a folder, taken from the server (wk_mail_take). */
typedef struct {
    wk_mail_msg_t  *msgs;
    size_t          n;
    unsigned long   last;           /* the highest UID it went through */
    int             more;           /* UIDs above last were left */
    int             failed;         /* WK_MAIL_SERVER or WK_MAIL_STORE */
    char            err[CURL_ERROR_SIZE + 64];
} wk_mail_batch_t;

#define WK_MAIL_SERVER  1
#define WK_MAIL_STORE   2

typedef struct wk_mailbox_s  wk_mailbox_t;

typedef struct {
    char                    name[256];
    CURL                   *curl;
    long long               next_at;
    long long               backoff;
    int                     failing;

    /* the next batch, taken on a thread of its own (over curl, which
       this thread leaves alone meanwhile) while this one goes into the
       database */
    pthread_t               ahead_tid;
    int                     ahead;      /* ahead_tid is to be joined */
    int                     ready;      /* next holds the batch it took */
    const wk_mailbox_t     *ahead_mb;
    unsigned long           ahead_after;
    volatile sig_atomic_t  *ahead_stop;
    wk_mail_batch_t         next;
} wk_mail_folder_t;

/* A mailbox: the settings file's (id ""), or one from the mailboxes table. */
struct wk_mailbox_s {
    char              id[40];
    int               version;
    int               seen;             /* still listed on the last read */
    char              name[256];
    char              url[1024];
    char              user[384];
    char              password[HD_SECRET_MAX + 1];
    char              bearer[HD_SECRET_MAX + 1];
    char              error[512];       /* the credential would not open */
    int               interval;         /* seconds */
    wk_mail_folder_t  folders[WK_MAIL_FOLDERS_MAX];
    int               nfolders;
};

typedef struct {
    wk_mailbox_t      conf;             /* mail_in_url and friends */
    wk_mailbox_t     *boxes[WK_MAIL_BOXES_MAX];
    int               nboxes;
    long long         boxes_at;
    char              key_file[PATH_MAX];
    unsigned char     key[HD_SECRET_KEY_LEN];
    int               key_loaded;
    char              addresses[1024];
    char              store[PATH_MAX];
    char              crash[16];        /* test hook: "stored", "committed" */
    int               auto_create;
    int               rate_limit;
    size_t            max_attachment;
    long long         sweep_at;
    int               more;             /* a round left mail waiting */
} wk_mail_t;

typedef struct {
    char    *data;
    size_t   len;
    size_t   cap;
    size_t   max;
} wk_mail_buf_t;

static wk_mail_t  wk_mail;


/* Trim white space in place. */
static char *
wk_mail_trim(char *s)
{
    char  *e;

    while (*s == ' ' || *s == '\t') {
        s++;
    }

    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n'
                     || e[-1] == '\r'))
    {
        *--e = '\0';
    }

    return s;
}


static void
wk_mail_set(const char *key, const char *v)
{
    char  *list, *tok, *save;

#define WK_COPY(field)  snprintf(wk_mail.field, sizeof(wk_mail.field), "%s", v)

    if (strcmp(key, "mail_in_url") == 0) {
        WK_COPY(conf.url);
    } else if (strcmp(key, "mail_in_user") == 0) {
        WK_COPY(conf.user);
    } else if (strcmp(key, "mail_in_password") == 0) {
        WK_COPY(conf.password);
    } else if (strcmp(key, "mail_in_bearer") == 0) {
        WK_COPY(conf.bearer);
    } else if (strcmp(key, "instance_key_file") == 0) {
        WK_COPY(key_file);
    } else if (strcmp(key, "mail_in_addresses") == 0) {
        WK_COPY(addresses);
    } else if (strcmp(key, "mail_in_test_crash") == 0) {
        WK_COPY(crash);
    } else if (strcmp(key, "attachments_dir") == 0) {
        WK_COPY(store);
    } else if (strcmp(key, "mail_in_interval") == 0) {
        wk_mail.conf.interval = atoi(v) > 0 ? atoi(v) : 60;
    } else if (strcmp(key, "mail_in_auto_create") == 0) {
        wk_mail.auto_create = (strcmp(v, "on") == 0 || strcmp(v, "1") == 0);
    } else if (strcmp(key, "mail_in_rate_limit") == 0) {
        wk_mail.rate_limit = atoi(v) >= 0 ? atoi(v) : 0;
    } else if (strcmp(key, "mail_in_max_attachment") == 0) {
        wk_mail.max_attachment = (size_t) strtoull(v, NULL, 10);
    } else if (strcmp(key, "mail_in_folders") == 0) {
        list = strdup(v);
        wk_mail.conf.nfolders = 0;
        for (tok = list ? strtok_r(list, ",", &save) : NULL;
             tok != NULL && wk_mail.conf.nfolders < WK_MAIL_FOLDERS_MAX;
             tok = strtok_r(NULL, ",", &save))
        {
            tok = wk_mail_trim(tok);
            if (*tok != '\0') {
                snprintf(wk_mail.conf.folders[wk_mail.conf.nfolders++].name,
                         sizeof(wk_mail.conf.folders[0].name), "%s", tok);
            }
        }
        free(list);
    }

#undef WK_COPY
}


int
wk_mail_in_init(const wk_config_t *cfg)
{
    FILE  *fp;
    char   line[8192], *eq;
    int    i;

    memset(&wk_mail, 0, sizeof(wk_mail));
    wk_mail.conf.interval = 60;
    wk_mail.auto_create = 1;
    wk_mail.rate_limit = 20;
    wk_mail.max_attachment = 25 * 1024 * 1024;

    if (cfg->conf_path[0] != '\0' && (fp = fopen(cfg->conf_path, "r"))) {
        while (fgets(line, sizeof(line), fp) != NULL) {
            eq = strchr(line, '=');
            if (line[0] == '#' || eq == NULL) {
                continue;
            }
            *eq = '\0';
            wk_mail_set(wk_mail_trim(line), wk_mail_trim(eq + 1));
        }
        fclose(fp);
    }

    if (wk_mail.conf.nfolders == 0) {
        snprintf(wk_mail.conf.folders[0].name,
                 sizeof(wk_mail.conf.folders[0].name), "INBOX");
        wk_mail.conf.nfolders = 1;
    }

    for (i = 0; i < wk_mail.conf.nfolders; i++) {
        wk_mail.conf.folders[i].backoff = wk_mail.conf.interval * 1000LL;
    }

    if (wk_mail.conf.url[0] != '\0' && wk_mail.store[0] == '\0') {
        wk_log("mail-in: mail_in_url is set but attachments_dir is not");
        return -1;
    }

    if (wk_mail.store[0] != '\0'
        && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
    {
        wk_log("mail-in: curl_global_init failed");
        return -1;
    }

    if (wk_mail.conf.url[0] != '\0') {
        wk_log("mail-in: polling %d folder(s) of %s every %d s",
               wk_mail.conf.nfolders, wk_mail.conf.url,
               wk_mail.conf.interval);
    }

    return 0;
}


static size_t
wk_mail_write(char *ptr, size_t size, size_t nmemb, void *ud)
{
    wk_mail_buf_t  *b = ud;
    size_t          n = size * nmemb;
    char           *p;

    if (b->len + n > b->max) {
        return 0;
    }

    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        p = realloc(b->data, b->cap);
        if (p == NULL) {
            return 0;
        }
        b->data = p;
    }

    memcpy(b->data + b->len, ptr, n);
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}


static int
wk_mail_progress(void *ud, curl_off_t a, curl_off_t b, curl_off_t c,
    curl_off_t d)
{
    (void) a; (void) b; (void) c; (void) d;
    return *(volatile sig_atomic_t *) ud != 0;
}


/*
 * One IMAP request on folder of mb over the connection *curl (opened when
 * NULL, dropped after a failure): the folder's URL plus suffix (";UID=n"
 * to fetch) and, when custom is not NULL, that command instead.  The
 * answer goes to out.  Returns 0, or -1 with the reason in err.
 */
static int
wk_mail_imap(const wk_mailbox_t *mb, const char *folder, CURL **curl,
    const char *suffix, const char *custom,
    wk_mail_buf_t *out, volatile sig_atomic_t *stop, char *err,
    size_t errlen)
{
    char      url[2048], cerr[CURL_ERROR_SIZE], *esc;
    CURL     *c = *curl;
    CURLcode  rc;

    if (c == NULL) {
        c = curl_easy_init();
        if (c == NULL) {
            snprintf(err, errlen, "curl_easy_init failed");
            return -1;
        }
        *curl = c;
    }

    esc = curl_easy_escape(c, folder, 0);
    snprintf(url, sizeof(url), "%s/%s%s", mb->url, esc ? esc : "",
             suffix);
    curl_free(esc);

    cerr[0] = '\0';
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "imap,imaps");
    curl_easy_setopt(c, CURLOPT_USERNAME, mb->user);
    if (mb->bearer[0] != '\0') {
        curl_easy_setopt(c, CURLOPT_XOAUTH2_BEARER, mb->bearer);
        curl_easy_setopt(c, CURLOPT_LOGIN_OPTIONS, "AUTH=XOAUTH2");
    } else {
        curl_easy_setopt(c, CURLOPT_PASSWORD, mb->password);
    }
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, custom);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 120000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, wk_mail_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, wk_mail_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *) stop);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    /* libcurl clips an untagged line longer than its buffer and drops the
       rest: a big backlog's "* SEARCH" line needs the largest buffer */
    curl_easy_setopt(c, CURLOPT_BUFFERSIZE, (long) CURL_MAX_READ_SIZE);

    rc = curl_easy_perform(c);

    if (rc == CURLE_REMOTE_FILE_NOT_FOUND && custom == NULL) {
        return 0;                       /* no such UID (any more) */
    }

    if (rc != CURLE_OK) {
        snprintf(err, errlen, "%s", cerr[0] ? cerr : curl_easy_strerror(rc));
        /* start from a fresh connection next time */
        curl_easy_cleanup(c);
        *curl = NULL;
        return -1;
    }

    return 0;
}


/* The test hook: die here, as a crash would, when told to. */
static void
wk_mail_crash_point(const char *where)
{
    if (strcmp(wk_mail.crash, where) == 0) {
        wk_log("mail-in: mail_in_test_crash = %s: SIGKILL", where);
        raise(SIGKILL);
    }
}


/* Run a statement with text parameters; the result or NULL (logged). */
static PGresult *
wk_mail_sql(PGconn *conn, const char *sql, int n, const char *const *params,
    int expect_rows)
{
    PGresult  *res;
    char       line[512];

    res = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);

    if (PQresultStatus(res) != (expect_rows ? PGRES_TUPLES_OK
                                            : PGRES_COMMAND_OK))
    {
        wk_log("mail-in: %s", wk_pg_error_line(conn, line, sizeof(line)));
        PQclear(res);
        return NULL;
    }

    return res;
}


/* Run a statement without parameters or rows; 0, or -1 (logged). */
static int
wk_mail_exec(PGconn *conn, const char *sql)
{
    PGresult  *res = wk_mail_sql(conn, sql, 0, NULL, 0);

    PQclear(res);
    return res ? 0 : -1;
}


/*
 * Parse stored mail m and ingest it, inside the batch's transaction and
 * its own savepoint: a mail the parser or the database refuses is
 * quarantined (the savepoint rolled back first, so nothing half-written
 * of it stays) and the other mails of the batch are not touched.
 * Returns 0 when the row is finished (processed or quarantined), -1 when
 * the database failed (the caller rolls the batch back).
 */
static int
wk_mail_ingest_one(PGconn *conn, const wk_mail_msg_t *m)
{
    wk_mime_opts_t   o;
    PGresult        *res;
    char            *json, err[512], opts[128], line[512];
    const char      *params[3];

    o.store_dir = wk_mail.store;
    o.max_attachment = wk_mail.max_attachment;
    o.ours = wk_mail.addresses;

    json = wk_mime_parse(m->raw, m->len, &o, err, sizeof(err));

    params[0] = m->id;

    if (json == NULL) {
        params[1] = err;
        res = wk_mail_sql(conn, "select email_quarantine($1, $2, null)", 2,
                          params, 1);
        wk_log("mail-in: %s quarantined: %s", m->id, err);
        PQclear(res);
        return res ? 0 : -1;
    }

    snprintf(opts, sizeof(opts), "{\"auto_create\":%s,\"rate_limit\":%d}",
             wk_mail.auto_create ? "true" : "false", wk_mail.rate_limit);
    params[1] = json;
    params[2] = opts;

    if (wk_mail_exec(conn, "savepoint mail") != 0) {
        free(json);
        return -1;
    }

    res = PQexecParams(conn, "select email_ingest($1, $2::jsonb, $3::jsonb)",
                       3, NULL, params, NULL, NULL, 0);

    if (PQresultStatus(res) == PGRES_TUPLES_OK) {
        free(json);
        PQclear(res);
        return wk_mail_exec(conn, "release savepoint mail");
    }

    wk_pg_error_line(conn, line, sizeof(line));
    PQclear(res);

    if (PQstatus(conn) != CONNECTION_OK
        || wk_mail_exec(conn, "rollback to savepoint mail") != 0)
    {
        free(json);
        return -1;
    }

    /*
     * A message the database refuses is quarantined, not retried: with
     * what was parsed of it, or when even that is refused (the savepoint
     * rolled back once more), without.
     */
    wk_log("mail-in: %s quarantined: %s", m->id, line);
    res = wk_mail_sql(conn, "select email_quarantine($1, $2, $3::jsonb)",
                      3, (const char *[]) { m->id, line, json }, 1);
    free(json);

    if (res == NULL) {
        if (PQstatus(conn) != CONNECTION_OK
            || wk_mail_exec(conn, "rollback to savepoint mail") != 0)
        {
            return -1;
        }

        res = wk_mail_sql(conn, "select email_quarantine($1, $2, null)",
                          2, (const char *[]) { m->id, line }, 1);
    }

    PQclear(res);
    return res ? wk_mail_exec(conn, "release savepoint mail") : -1;
}


/*
 * Ingest the mails of msgs[0..n) whose rows are 'received', all in ONE
 * transaction (each in its own savepoint, see above).  Returns 0 when it
 * committed, -1 when the database failed (nothing of the batch is kept;
 * the rows stay 'received' for the next round).
 */
static int
wk_mail_ingest(PGconn *conn, const wk_mail_msg_t *msgs, size_t n)
{
    size_t  i, pending = 0;

    for (i = 0; i < n; i++) {
        pending += msgs[i].ingest;
    }

    if (pending == 0) {
        return 0;
    }

    if (wk_mail_exec(conn, "begin") != 0) {
        return -1;
    }

    for (i = 0; i < n; i++) {
        if (msgs[i].ingest && wk_mail_ingest_one(conn, &msgs[i]) != 0) {
            PQclear(PQexec(conn, "rollback"));
            return -1;
        }
    }

    if (wk_mail_exec(conn, "commit") != 0) {
        PQclear(PQexec(conn, "rollback"));
        return -1;
    }

    return 0;
}


/*
 * Record fetched mails msgs[0..n), already in the store, each in an
 * email_inbound row (email_receive), in ONE transaction; fills each one's
 * id and whether it still needs ingesting.  Returns 0 when all are
 * recorded, -1 otherwise (logged; none is).
 */
static int
wk_mail_receive(PGconn *conn, const char *mailbox, wk_mail_msg_t *msgs,
    size_t n)
{
    const char  *params[3];
    PGresult    *res;
    size_t       i;

    if (wk_mail_exec(conn, "begin") != 0) {
        return -1;
    }

    for (i = 0; i < n; i++) {
        params[0] = msgs[i].mid;
        params[1] = mailbox;
        params[2] = msgs[i].key;

        res = wk_mail_sql(conn,
                          "select id, status from email_receive($1, $2, $3)",
                          3, params, 1);

        if (res == NULL || PQntuples(res) != 1) {
            PQclear(res);
            goto failed;
        }

        snprintf(msgs[i].id, sizeof(msgs[i].id), "%s", PQgetvalue(res, 0, 0));
        msgs[i].ingest = strcmp(PQgetvalue(res, 0, 1), "received") == 0;
        PQclear(res);
    }

    if (wk_mail_exec(conn, "commit") == 0) {
        return 0;
    }

failed:

    PQclear(PQexec(conn, "rollback"));
    return -1;
}


/* "* SEARCH 3 4 9" → the UIDs, ascending; returns how many (≤ max). */
static size_t
wk_mail_uids(const char *text, unsigned long *uids, size_t max)
{
    const char  *p = strstr(text ? text : "", "* SEARCH");
    char        *end;
    size_t       n = 0;

    if (p == NULL) {
        return 0;
    }

    p += 8;
    while (n < max) {
        unsigned long  v = strtoul(p, &end, 10);

        if (end == p || (n > 0 && v <= uids[n - 1])) {
            break;                      /* the end, or a clipped line */
        }
        uids[n++] = v;
        p = end;
    }

    return n;
}


/*
 * The IMAP sequence set of uids[0..n) (ascending) with runs as ranges,
 * "3:9,12", into buf.  Returns 0, or -1 when it does not fit.
 */
static int
wk_mail_uid_set(const unsigned long *uids, size_t n, char *buf, size_t len)
{
    size_t  i, j, o = 0;
    int     w;

    buf[0] = '\0';

    for (i = 0; i < n; i = j + 1) {
        for (j = i; j + 1 < n && uids[j + 1] == uids[j] + 1; j++) {
            /* void */
        }

        w = (j == i) ? snprintf(buf + o, len - o, "%s%lu", o ? "," : "",
                                uids[i])
                     : snprintf(buf + o, len - o, "%s%lu:%lu", o ? "," : "",
                                uids[i], uids[j]);
        if (w < 0 || (size_t) w >= len - o) {
            return -1;
        }
        o += (size_t) w;
    }

    return 0;
}


/* UID STORE +FLAGS.SILENT (flags) on uids[0..n): 0, or -1 (err). */
static int
wk_mail_flag(const wk_mailbox_t *mb, const char *folder, CURL **curl,
    const unsigned long *uids, size_t n, const char *flags,
    volatile sig_atomic_t *stop, char *err, size_t errlen)
{
    wk_mail_buf_t  b;
    char           set[WK_MAIL_BATCH * 12], cmd[sizeof(set) + 128];
    int            rc;

    if (n == 0) {
        return 0;
    }

    if (wk_mail_uid_set(uids, n, set, sizeof(set)) != 0) {
        snprintf(err, errlen, "UID set too long");
        return -1;
    }

    snprintf(cmd, sizeof(cmd), "UID STORE %s +FLAGS.SILENT (%s)", set, flags);
    memset(&b, 0, sizeof(b));
    b.max = 1024 * 1024;
    rc = wk_mail_imap(mb, folder, curl, "", cmd, &b, stop, err, errlen);
    free(b.data);
    return rc;
}


static void
wk_mail_msgs_free(wk_mail_msg_t *msgs, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        free(msgs[i].raw);
    }
}


/*
 * Take the next batch of folder of mb over the connection *curl: the
 * unflagged UIDs above after (up to WK_MAIL_BATCH), marked \Seen in one
 * command (libcurl's BODY[] fetch would set it on each mail, one write on
 * the server per mail), fetched one by one (up to WK_MAIL_BATCH_BYTES) and
 * stored (wk_store_put), each with its key and row key noted.  Touches no
 * database and no state but *curl and batch, so that it may run on a
 * folder's ahead thread.  batch->failed says what failed (batch->err why);
 * the mails taken before stay in batch for the caller to free.
 */
static void
wk_mail_take(const wk_mailbox_t *mb, const char *folder, CURL **curl,
    unsigned long after, volatile sig_atomic_t *stop, wk_mail_batch_t *batch)
{
    wk_mail_buf_t   b;
    wk_mail_msg_t  *m;
    unsigned long   uids[WK_MAIL_BATCH];
    char            cmd[128], suffix[64];
    size_t          n, i, skip, bytes = 0;

    memset(batch, 0, sizeof(*batch));
    batch->last = after;

    if (after == 0) {
        snprintf(cmd, sizeof(cmd), "UID SEARCH UNDELETED UNKEYWORD "
                 WK_MAIL_KEYWORD);
    } else {
        /* "n:*" always takes in the highest UID, even below n: see below */
        snprintf(cmd, sizeof(cmd), "UID SEARCH UID %lu:* UNDELETED "
                 "UNKEYWORD " WK_MAIL_KEYWORD, after + 1);
    }

    memset(&b, 0, sizeof(b));
    b.max = 1024 * 1024;

    if (wk_mail_imap(mb, folder, curl, "", cmd, &b, stop, batch->err,
                     sizeof(batch->err)) != 0)
    {
        free(b.data);
        batch->failed = WK_MAIL_SERVER;
        return;
    }

    n = wk_mail_uids(b.data, uids, WK_MAIL_BATCH);
    free(b.data);
    batch->more = (n == WK_MAIL_BATCH);

    for (skip = 0; skip < n && uids[skip] <= after; skip++) {
        /* void */
    }

    n -= skip;
    memmove(uids, uids + skip, n * sizeof(uids[0]));

    if (n == 0) {
        return;
    }

    batch->msgs = calloc(n, sizeof(wk_mail_msg_t));
    if (batch->msgs == NULL) {
        snprintf(batch->err, sizeof(batch->err), "out of memory");
        batch->failed = WK_MAIL_SERVER;
        return;
    }

    if (wk_mail_flag(mb, folder, curl, uids, n, "\\Seen", stop, batch->err,
                     sizeof(batch->err)) != 0)
    {
        batch->failed = WK_MAIL_SERVER;
        return;
    }

    for (i = 0; i < n && !*stop; i++) {
        if (bytes >= WK_MAIL_BATCH_BYTES) {
            batch->more = 1;            /* the rest next round */
            break;
        }

        memset(&b, 0, sizeof(b));
        b.max = (size_t) 1 << 30;

        snprintf(suffix, sizeof(suffix), ";UID=%lu", uids[i]);
        if (wk_mail_imap(mb, folder, curl, suffix, NULL, &b, stop,
                         batch->err, sizeof(batch->err)) != 0)
        {
            free(b.data);
            batch->failed = WK_MAIL_SERVER;
            return;
        }

        if (b.data == NULL) {
            batch->last = uids[i];
            continue;                   /* expunged meanwhile */
        }

        m = &batch->msgs[batch->n];
        m->uid = uids[i];
        m->raw = b.data;
        m->len = b.len;
        batch->n++;
        bytes += b.len;

        if (wk_store_put(wk_mail.store, m->raw, m->len, m->key, batch->err,
                         sizeof(batch->err)) != 0)
        {
            batch->failed = WK_MAIL_STORE;
            return;
        }

        if (hd_mailin_message_id(m->raw, m->len, m->mid) == 0) {
            snprintf(m->mid, sizeof(m->mid), "sha256:%s", m->key + 6);
        }

        batch->last = uids[i];
    }
}


static void *
wk_mail_ahead_run(void *arg)
{
    wk_mail_folder_t  *f = arg;

    wk_mail_take(f->ahead_mb, f->name, &f->curl, f->ahead_after,
                 f->ahead_stop, &f->next);
    return NULL;
}


/*
 * Start taking folder f's batch after UID after on its ahead thread, over
 * f->curl: nothing else may use f->curl until wk_mail_ahead_join().  When
 * the thread cannot start, the next round takes the batch itself.
 */
static void
wk_mail_ahead_start(const wk_mailbox_t *mb, wk_mail_folder_t *f,
    unsigned long after, volatile sig_atomic_t *stop)
{
    f->ahead_mb = mb;
    f->ahead_after = after;
    f->ahead_stop = stop;
    f->ahead = (pthread_create(&f->ahead_tid, NULL, wk_mail_ahead_run, f)
                == 0);
}


/* Wait for folder f's ahead thread, if one runs: f->next is then ready. */
static void
wk_mail_ahead_join(wk_mail_folder_t *f)
{
    if (f->ahead) {
        pthread_join(f->ahead_tid, NULL);
        f->ahead = 0;
        f->ready = 1;
    }
}


/* Forget folder f's batch taken ahead (its mails stay unflagged). */
static void
wk_mail_ahead_drop(wk_mail_folder_t *f)
{
    wk_mail_ahead_join(f);

    if (f->ready) {
        wk_mail_msgs_free(f->next.msgs, f->next.n);
        free(f->next.msgs);
        f->ready = 0;
    }
}


/*
 * One round of folder f of mailbox mb: how many mails were taken, or -1
 * when the database connection broke.  A server that failed is logged,
 * backed off, and its error left in fail (else fail is left alone).
 *
 * A round is a batch (wk_mail_take): recorded in one transaction,
 * ingested in one more, and only after that commit flagged in one UID
 * STORE.  When the folder holds more than a batch, the next one (the
 * UIDs above this batch's) is taken on the folder's ahead thread while
 * this one is recorded and ingested, and the next round starts from it;
 * after any failure it is dropped and the next round lists the folder
 * afresh.
 */
static int
wk_mail_folder(PGconn *conn, wk_mailbox_t *mb, wk_mail_folder_t *f,
    volatile sig_atomic_t *stop, char *fail, size_t faillen)
{
    wk_mail_batch_t  batch;
    unsigned long    uids[WK_MAIL_BATCH];
    char             label[600];
    size_t           i;

    /* where the mail came from, in email_inbound.mailbox and the log */
    if (mb->id[0] == '\0') {
        snprintf(label, sizeof(label), "%s", f->name);
    } else {
        snprintf(label, sizeof(label), "%s/%s", mb->name, f->name);
    }

    wk_mail_ahead_join(f);

    if (f->ready) {
        batch = f->next;
        f->ready = 0;
    } else {
        wk_mail_take(mb, f->name, &f->curl, 0, stop, &batch);
    }

    if (batch.failed == WK_MAIL_STORE) {
        wk_log("mail-in: %s", batch.err);
        goto db_failed;
    }

    if (batch.failed) {
        goto failed;
    }

    if (batch.more && !*stop) {
        wk_mail_ahead_start(mb, f, batch.last, stop);
    }

    if (batch.n > 0) {
        if (wk_mail_receive(conn, label, batch.msgs, batch.n) != 0) {
            goto db_failed;
        }
        wk_mail_crash_point("stored");

        if (wk_mail_ingest(conn, batch.msgs, batch.n) != 0) {
            goto db_failed;
        }
        wk_mail_crash_point("committed");

        /* committed: now the mails may be flagged, over f->curl again */
        wk_mail_ahead_join(f);

        for (i = 0; i < batch.n; i++) {
            uids[i] = batch.msgs[i].uid;
        }

        if (wk_mail_flag(mb, f->name, &f->curl, uids, batch.n,
                         "\\Seen " WK_MAIL_KEYWORD, stop, batch.err,
                         sizeof(batch.err)) != 0)
        {
            goto failed;
        }
    }

    wk_mail_msgs_free(batch.msgs, batch.n);
    free(batch.msgs);

    if (f->failing) {
        wk_log("mail-in: %s works again", label);
    }

    f->failing = 0;
    f->backoff = mb->interval * 1000LL;
    f->next_at = wk_now_ms() + (batch.more ? 0 : mb->interval * 1000LL);
    wk_mail.more |= batch.more;
    return (int) batch.n;

db_failed:

    wk_mail_ahead_drop(f);
    wk_mail_msgs_free(batch.msgs, batch.n);
    free(batch.msgs);
    return PQstatus(conn) == CONNECTION_OK ? 0 : -1;

failed:

    wk_mail_ahead_drop(f);
    wk_mail_msgs_free(batch.msgs, batch.n);
    free(batch.msgs);

    if (*stop) {
        return 0;
    }

    wk_log("mail-in: %s: %s; retrying in %lld s", label, batch.err,
           f->backoff / 1000);
    snprintf(fail, faillen, "%s: %s", f->name, batch.err);
    f->failing = 1;
    f->next_at = wk_now_ms() + f->backoff;
    f->backoff = (f->backoff * 2 > WK_MAIL_BACKOFF_MAX)
                 ? WK_MAIL_BACKOFF_MAX : f->backoff * 2;
    return 0;
}


/*
 * Process rows left 'received' (webhook, retried, interrupted), up to
 * WK_MAIL_SWEEP in one batch.  How many rows there were, or -1.
 */
static int
wk_mail_sweep(PGconn *conn)
{
    wk_mail_msg_t  *msgs;
    PGresult       *res;
    char            err[512];
    int             i, n, rc;

    res = wk_mail_sql(conn,
        "select id, raw_store_key from email_inbound"
        " where status = 'received' order by received_at, id"
        " limit " WK_MAIL_SWEEP_S,
        0, NULL, 1);

    if (res == NULL) {
        return -1;
    }

    n = PQntuples(res);
    msgs = calloc(n > 0 ? (size_t) n : 1, sizeof(wk_mail_msg_t));
    if (msgs == NULL) {
        PQclear(res);
        return -1;
    }

    for (i = 0; i < n; i++) {
        snprintf(msgs[i].id, sizeof(msgs[i].id), "%s", PQgetvalue(res, i, 0));
        msgs[i].raw = wk_store_get(wk_mail.store, PQgetvalue(res, i, 1),
                                   &msgs[i].len, err, sizeof(err));
        msgs[i].ingest = (msgs[i].raw != NULL);

        if (msgs[i].raw == NULL) {
            const char  *params[2] = { msgs[i].id, err };

            PQclear(wk_mail_sql(conn,
                "select email_quarantine($1, 'raw message unreadable: '"
                " || $2, null)", 2, params, 1));
        }
    }

    rc = wk_mail_ingest(conn, msgs, (size_t) n);

    wk_mail_msgs_free(msgs, (size_t) n);
    free(msgs);
    PQclear(res);
    return rc == 0 ? n : -1;
}


/* Forget a mailbox's connections (and any batch taken ahead). */
static void
wk_mail_box_close(wk_mailbox_t *mb)
{
    wk_mail_folder_t  *f;
    int                i;

    for (i = 0; i < mb->nfolders; i++) {
        f = &mb->folders[i];
        wk_mail_ahead_drop(f);

        if (f->curl != NULL) {
            curl_easy_cleanup(f->curl);
            f->curl = NULL;
        }
    }
}


/* Reads instance_key_file once it is there.  1 when the key is loaded. */
static int
wk_mail_key(void)
{
    FILE    *fp;
    size_t   n;

    if (wk_mail.key_loaded || wk_mail.key_file[0] == '\0') {
        return wk_mail.key_loaded;
    }

    fp = fopen(wk_mail.key_file, "r");
    if (fp == NULL) {
        return 0;
    }

    n = fread(wk_mail.key, 1, HD_SECRET_KEY_LEN, fp);
    fclose(fp);

    wk_mail.key_loaded = (n == HD_SECRET_KEY_LEN);
    return wk_mail.key_loaded;
}


/*
 * Fills mb from row i of res (id, version, name, url, username, auth,
 * secret_sealed, folders as JSON, poll_interval_s).  A credential that
 * does not open leaves mb->error set.
 */
static void
wk_mail_box_fill(wk_mailbox_t *mb, const PGresult *res, int i)
{
    unsigned char  *box;
    size_t          nbox;
    char           *plain;
    cJSON          *folders, *f;
    int             oauth;
    long            n;

    memset(mb, 0, sizeof(*mb));
    snprintf(mb->id, sizeof(mb->id), "%s", PQgetvalue(res, i, 0));
    mb->version = atoi(PQgetvalue(res, i, 1));
    snprintf(mb->name, sizeof(mb->name), "%s", PQgetvalue(res, i, 2));
    snprintf(mb->url, sizeof(mb->url), "%s", PQgetvalue(res, i, 3));
    snprintf(mb->user, sizeof(mb->user), "%s", PQgetvalue(res, i, 4));
    oauth = strcmp(PQgetvalue(res, i, 5), "xoauth2") == 0;
    mb->interval = atoi(PQgetvalue(res, i, 8));
    if (mb->interval <= 0) {
        mb->interval = 60;
    }

    folders = cJSON_Parse(PQgetvalue(res, i, 7));
    cJSON_ArrayForEach(f, folders) {
        if (cJSON_IsString(f) && mb->nfolders < WK_MAIL_FOLDERS_MAX) {
            snprintf(mb->folders[mb->nfolders].name,
                     sizeof(mb->folders[0].name), "%s", f->valuestring);
            mb->folders[mb->nfolders++].backoff = mb->interval * 1000LL;
        }
    }
    cJSON_Delete(folders);

    if (PQgetisnull(res, i, 6)) {
        return;                         /* no credential: try without */
    }

    if (!wk_mail_key()) {
        snprintf(mb->error, sizeof(mb->error), "the worker has no instance "
                 "key (instance_key_file) to open the credential with");
        return;
    }

    box = PQunescapeBytea((const unsigned char *) PQgetvalue(res, i, 6),
                          &nbox);
    plain = malloc(nbox + 1);
    n = (box != NULL && plain != NULL)
        ? hd_secret_open(wk_mail.key, "mailbox", box, nbox, plain) : -1;
    PQfreemem(box);

    if (n < 0) {
        snprintf(mb->error, sizeof(mb->error), "the credential does not "
                 "open with this instance's key");
    } else {
        snprintf(oauth ? mb->bearer : mb->password, HD_SECRET_MAX + 1, "%s",
                 plain);
        OPENSSL_cleanse(plain, (size_t) n);
    }

    free(plain);
}


/*
 * Reads the active mailboxes: new ones are added, changed ones (another
 * version) reconnect, vanished ones are dropped.  -1 when the database
 * failed.
 */
static int
wk_mail_boxes_load(PGconn *conn)
{
    PGresult      *res;
    wk_mailbox_t  *mb;
    int            i, j, n;

    res = wk_mail_sql(conn,
        "select id, version, name, url, username, auth, secret_sealed,"
        "       array_to_json(folders), poll_interval_s"
        "  from mailboxes where active order by name, id", 0, NULL, 1);

    if (res == NULL) {
        return -1;
    }

    for (j = 0; j < wk_mail.nboxes; j++) {
        wk_mail.boxes[j]->seen = 0;
    }

    n = PQntuples(res);
    for (i = 0; i < n; i++) {
        for (j = 0; j < wk_mail.nboxes; j++) {
            if (strcmp(wk_mail.boxes[j]->id, PQgetvalue(res, i, 0)) == 0) {
                break;
            }
        }

        if (j < wk_mail.nboxes) {
            mb = wk_mail.boxes[j];
            if (mb->version == atoi(PQgetvalue(res, i, 1))) {
                mb->seen = 1;
                continue;
            }
            wk_mail_box_close(mb);
            wk_log("mail-in: mailbox %s changed", mb->name);

        } else if (wk_mail.nboxes < WK_MAIL_BOXES_MAX) {
            mb = malloc(sizeof(wk_mailbox_t));
            if (mb == NULL) {
                break;
            }
            wk_mail.boxes[wk_mail.nboxes++] = mb;

        } else {
            wk_log("mail-in: more than %d mailboxes; %s is not polled",
                   WK_MAIL_BOXES_MAX, PQgetvalue(res, i, 2));
            continue;
        }

        wk_mail_box_fill(mb, res, i);
        mb->seen = 1;
        if (mb->error[0] != '\0') {
            wk_log("mail-in: mailbox %s: %s", mb->name, mb->error);
        } else {
            wk_log("mail-in: polling %d folder(s) of mailbox %s (%s) "
                   "every %d s", mb->nfolders, mb->name, mb->url,
                   mb->interval);
        }
    }

    PQclear(res);

    for (j = 0; j < wk_mail.nboxes; /* void */ ) {
        if (wk_mail.boxes[j]->seen) {
            j++;
            continue;
        }
        wk_log("mail-in: mailbox %s is no longer polled",
               wk_mail.boxes[j]->name);
        wk_mail_box_close(wk_mail.boxes[j]);
        OPENSSL_cleanse(wk_mail.boxes[j], sizeof(wk_mailbox_t));
        free(wk_mail.boxes[j]);
        wk_mail.boxes[j] = wk_mail.boxes[--wk_mail.nboxes];
    }

    return 0;
}


/*
 * The folders of mb whose round has come.  For a mailbox of the table the
 * outcome is recorded (mailbox_polled).  -1 when the database broke.
 */
static int
wk_mail_box_round(PGconn *conn, wk_mailbox_t *mb, volatile sig_atomic_t *stop)
{
    char         fail[CURL_ERROR_SIZE + 512], took_s[16];
    const char  *params[3];
    long long    now = wk_now_ms();
    int          i, took = 0, n, polled = 0;

    fail[0] = '\0';

    for (i = 0; i < mb->nfolders && !*stop; i++) {
        if (now < mb->folders[i].next_at) {
            continue;
        }

        polled = 1;

        if (mb->error[0] != '\0') {
            /* a credential we cannot open: say so on the folder's round */
            snprintf(fail, sizeof(fail), "%s", mb->error);
            mb->folders[i].next_at = now + mb->interval * 1000LL;
            continue;
        }

        n = wk_mail_folder(conn, mb, &mb->folders[i], stop, fail,
                           sizeof(fail));
        if (n < 0) {
            return -1;
        }
        took += n;
    }

    if (!polled || mb->id[0] == '\0' || *stop) {
        return 0;
    }

    snprintf(took_s, sizeof(took_s), "%d", took);
    params[0] = mb->id;
    params[1] = fail[0] != '\0' ? fail : NULL;
    params[2] = took_s;

    PQclear(wk_mail_sql(conn, "select mailbox_polled($1, $2, $3)", 3, params,
                        1));

    return PQstatus(conn) == CONNECTION_OK ? 0 : -1;
}


int
wk_mail_in_session(PGconn *conn, volatile sig_atomic_t *stop)
{
    long long  now = wk_now_ms();
    int        i, busy = 0;

    if (wk_mail.store[0] == '\0') {
        return 0;
    }

    wk_mail.more = 0;

    if (now >= wk_mail.sweep_at) {
        busy = wk_mail_sweep(conn) > 0;
        wk_mail.sweep_at = now + (busy ? 0 : 1000);
    }

    if (wk_mail.conf.url[0] != '\0'
        && wk_mail_box_round(conn, &wk_mail.conf, stop) != 0)
    {
        return -1;
    }

    if (now >= wk_mail.boxes_at) {
        if (wk_mail_boxes_load(conn) != 0) {
            return PQstatus(conn) == CONNECTION_OK ? 0 : -1;
        }
        wk_mail.boxes_at = now + WK_MAIL_BOXES_EVERY;
    }

    for (i = 0; i < wk_mail.nboxes && !*stop; i++) {
        if (wk_mail_box_round(conn, wk_mail.boxes[i], stop) != 0) {
            return -1;
        }
    }

    if (PQstatus(conn) != CONNECTION_OK) {
        return -1;
    }

    return (busy || wk_mail.more) ? 1 : 0;
}


void
wk_mail_in_cleanup(void)
{
    int  i;

    wk_mail_box_close(&wk_mail.conf);

    for (i = 0; i < wk_mail.nboxes; i++) {
        wk_mail_box_close(wk_mail.boxes[i]);
        OPENSSL_cleanse(wk_mail.boxes[i], sizeof(wk_mailbox_t));
        free(wk_mail.boxes[i]);
    }

    wk_mail.nboxes = 0;
    OPENSSL_cleanse(wk_mail.key, sizeof(wk_mail.key));
}
