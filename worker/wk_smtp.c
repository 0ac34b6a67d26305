/*
 * wk_smtp.c — delivers email_outbound rows over SMTP with libcurl.
 *
 * A row moves queued -> sending -> sent, or -> failed:
 *
 *   1. claim: up to 32 due rows (status 'queued', next_attempt_at
 *      passed) become 'sending' with locked_at = now(), committed, using
 *      FOR UPDATE SKIP LOCKED so two workers never claim the same row;
 *   2. send raw_message (composed once, so every attempt carries the same
 *      Message-ID) to to_addr, one recipient per transaction;
 *   3. the server accepted it: 'sent' with sent_at.  It answered 5xx (other
 *      than to authentication): the failure is permanent, 'failed' with
 *      last_error (shown to agents in the ticket's timeline).  Anything
 *      else (no connection, timeout, 4xx, authentication): back to
 *      'queued' with retries + 1, last_error, and next_attempt_at
 *      mail_retry_seconds * 2^(retries) later (at most 10 minutes),
 *      'failed' after mail_max_attempts.
 *
 * So while the SMTP server is down the outbox grows, and once it is back
 * every message goes out once.  The one window left is a crash after the
 * server accepted a message and before 'sent' was committed: such a row
 * stays 'sending' and is re-queued after WK_SMTP_LEASE (the receiver sees
 * the same Message-ID twice — at-least-once, never lost).  Rows a stop
 * signal leaves claimed but unsent go back to 'queued' at once.
 *
 * One curl handle is kept between calls, so consecutive messages reuse
 * the SMTP connection; it belongs to the one thread that sends (the "mail"
 * thread of `run`, the sender of `jobs run-once`; see wk_run.c).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "wk.h"


#define WK_SMTP_LEASE      "10 minutes"
#define WK_SMTP_BACKOFF_MAX   600        /* seconds */
#define WK_SMTP_CONNECT_SEC    10
#define WK_SMTP_TIMEOUT_SEC    60
#define WK_SMTP_BUDGET_MS    1000       /* a round of wk_smtp_duty() */


static CURL  *wk_smtp_curl;
static int    wk_smtp_global;


typedef struct {
    const char  *data;
    size_t       len;
    size_t       off;
} wk_smtp_body_t;


static size_t
wk_smtp_read(char *buf, size_t size, size_t nitems, void *arg)
{
    wk_smtp_body_t  *b = arg;
    size_t           n = size * nitems;

    if (n > b->len - b->off) {
        n = b->len - b->off;
    }

    memcpy(buf, b->data + b->off, n);
    b->off += n;

    return n;
}


static int
wk_smtp_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
    volatile sig_atomic_t  *stop = arg;

    (void) dltotal;
    (void) dlnow;
    (void) ultotal;
    (void) ulnow;

    return (stop != NULL && *stop) ? 1 : 0;
}


void
wk_smtp_cleanup(void)
{
    if (wk_smtp_curl != NULL) {
        curl_easy_cleanup(wk_smtp_curl);
        wk_smtp_curl = NULL;
    }

    if (wk_smtp_global) {
        curl_global_cleanup();
        wk_smtp_global = 0;
    }
}


/*
 * Send one message.  Returns 0 when the server took it, 1 for a
 * permanent refusal (5xx), -1 for a failure worth retrying; err says why.
 */
static int
wk_smtp_send(const wk_mail_conf_t *mc, volatile sig_atomic_t *stop,
    const char *from, const char *to, const char *raw, char *err,
    size_t errlen)
{
    struct curl_slist  *rcpt = NULL;
    wk_smtp_body_t      body;
    CURLcode            rc;
    long                code = 0;
    char                addr[300], cerr[CURL_ERROR_SIZE];
    int                 smtps;

    if (!wk_smtp_global) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            snprintf(err, errlen, "cannot initialise libcurl");
            return -1;
        }

        wk_smtp_global = 1;
    }

    if (wk_smtp_curl == NULL && (wk_smtp_curl = curl_easy_init()) == NULL) {
        snprintf(err, errlen, "cannot initialise libcurl");
        return -1;
    }

    snprintf(addr, sizeof(addr), "<%s>", to);
    rcpt = curl_slist_append(NULL, addr);

    if (rcpt == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }

    snprintf(addr, sizeof(addr), "<%s>", from);
    body.data = raw;
    body.len = strlen(raw);
    body.off = 0;
    cerr[0] = '\0';
    smtps = strncmp(mc->smtp_url, "smtps://", 8) == 0;

    curl_easy_setopt(wk_smtp_curl, CURLOPT_URL, mc->smtp_url);
    curl_easy_setopt(wk_smtp_curl, CURLOPT_MAIL_FROM, addr);
    curl_easy_setopt(wk_smtp_curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(wk_smtp_curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(wk_smtp_curl, CURLOPT_READFUNCTION, wk_smtp_read);
    curl_easy_setopt(wk_smtp_curl, CURLOPT_READDATA, &body);
    curl_easy_setopt(wk_smtp_curl, CURLOPT_INFILESIZE_LARGE,
                     (curl_off_t) body.len);
    curl_easy_setopt(wk_smtp_curl, CURLOPT_USE_SSL,
                     (smtps || mc->smtp_starttls) ? (long) CURLUSESSL_ALL
                                                  : (long) CURLUSESSL_NONE);
    curl_easy_setopt(wk_smtp_curl, CURLOPT_CONNECTTIMEOUT,
                     (long) WK_SMTP_CONNECT_SEC);
    curl_easy_setopt(wk_smtp_curl, CURLOPT_TIMEOUT,
                     (long) WK_SMTP_TIMEOUT_SEC);
    curl_easy_setopt(wk_smtp_curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(wk_smtp_curl, CURLOPT_ERRORBUFFER, cerr);
    curl_easy_setopt(wk_smtp_curl, CURLOPT_XFERINFOFUNCTION,
                     wk_smtp_progress);
    curl_easy_setopt(wk_smtp_curl, CURLOPT_XFERINFODATA, (void *) stop);
    curl_easy_setopt(wk_smtp_curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(wk_smtp_curl, CURLOPT_NOPROXY, "*");

    if (mc->smtp_user[0] != '\0') {
        curl_easy_setopt(wk_smtp_curl, CURLOPT_USERNAME, mc->smtp_user);

        if (mc->smtp_bearer[0] != '\0') {
            curl_easy_setopt(wk_smtp_curl, CURLOPT_XOAUTH2_BEARER,
                             mc->smtp_bearer);
            curl_easy_setopt(wk_smtp_curl, CURLOPT_LOGIN_OPTIONS,
                             "AUTH=XOAUTH2");

        } else {
            curl_easy_setopt(wk_smtp_curl, CURLOPT_PASSWORD,
                             mc->smtp_password);
        }
    }

    rc = curl_easy_perform(wk_smtp_curl);
    curl_easy_getinfo(wk_smtp_curl, CURLINFO_RESPONSE_CODE, &code);

    curl_easy_setopt(wk_smtp_curl, CURLOPT_MAIL_RCPT, NULL);
    curl_easy_setopt(wk_smtp_curl, CURLOPT_ERRORBUFFER, NULL);
    curl_slist_free_all(rcpt);

    if (rc == CURLE_OK) {
        return 0;
    }

    snprintf(err, errlen, "%s%s%s", curl_easy_strerror(rc),
             cerr[0] ? ": " : "", cerr);

    /* 5xx is the message's fate, except authentication (530, 534, 535,
       538): a setting to fix, after which the message should go out */
    if (code >= 500 && code < 600 && rc != CURLE_LOGIN_DENIED
        && code != 530 && code != 534 && code != 535 && code != 538)
    {
        snprintf(err, errlen, "SMTP %ld: %s%s%s", code,
                 curl_easy_strerror(rc), cerr[0] ? ": " : "", cerr);
        return 1;
    }

    return -1;
}


/* Record the outcome of row id; 0, or -1 when the database failed. */
static int
wk_smtp_settle(PGconn *conn, const wk_mail_conf_t *mc, const char *id,
    int outcome, const char *why)
{
    const char  *params[5];
    PGresult    *res;
    char         base[16], maxb[16], max[16];
    int          ok;

    params[0] = id;

    if (outcome == 0) {
        res = PQexecParams(conn,
            "update email_outbound set status = 'sent', sent_at = now(),"
            "       locked_at = null, last_error = null"
            " where id = $1 and status = 'sending'",
            1, NULL, params, NULL, NULL, 0);

    } else if (outcome > 0) {
        params[1] = why;
        res = PQexecParams(conn,
            "update email_outbound set status = 'failed', locked_at = null,"
            "       retries = retries + 1, last_error = $2"
            " where id = $1 and status = 'sending'",
            2, NULL, params, NULL, NULL, 0);

    } else {
        snprintf(base, sizeof(base), "%d", mc->retry_seconds);
        snprintf(maxb, sizeof(maxb), "%d", WK_SMTP_BACKOFF_MAX);
        snprintf(max, sizeof(max), "%d", mc->max_attempts);
        params[1] = why;
        params[2] = base;
        params[3] = maxb;
        params[4] = max;
        res = PQexecParams(conn,
            "update email_outbound"
            "   set status = case when retries + 1 >= $5::int"
            "                     then 'failed' else 'queued' end,"
            "       locked_at = null, retries = retries + 1,"
            "       last_error = $2,"
            "       next_attempt_at = now() + make_interval(secs =>"
            "           least($4::int, $3::int * 2 ^ least(retries, 30)))"
            " where id = $1 and status = 'sending'",
            5, NULL, params, NULL, NULL, 0);
    }

    ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);

    return ok ? 0 : -1;
}


/* Put claimed rows from index i on back to 'queued' (stop signal). */
static void
wk_smtp_unclaim(PGconn *conn, PGresult *claimed, int i)
{
    const char  *params[1];

    for ( ; i < PQntuples(claimed); i++) {
        params[0] = PQgetvalue(claimed, i, 0);
        PQclear(PQexecParams(conn,
            "update email_outbound set status = 'queued', locked_at = null"
            " where id = $1 and status = 'sending'",
            1, NULL, params, NULL, NULL, 0));
    }
}


int
wk_smtp_send_due(PGconn *conn, const wk_config_t *cfg,
    volatile sig_atomic_t *stop, long long budget_ms, int *sent, int *failed)
{
    const wk_mail_conf_t  *mc = &cfg->mail;
    PGresult              *res;
    long long              end = wk_now_ms() + budget_ms;
    char                   why[1024], line[512];
    int                    i, n, outcome;

    if (mc->smtp_url[0] == '\0') {
        return 0;
    }

    /* rows a dead sender left in 'sending' */
    PQclear(PQexec(conn,
        "update email_outbound set status = 'queued', locked_at = null"
        " where status = 'sending'"
        "   and locked_at < now() - interval '" WK_SMTP_LEASE "'"));

    while ((stop == NULL || !*stop) && (budget_ms < 0 || wk_now_ms() < end)) {
        res = PQexec(conn,
            "update email_outbound set status = 'sending', locked_at = now()"
            " where id in (select id from email_outbound"
            "               where status = 'queued'"
            "                 and next_attempt_at <= now()"
            "               order by next_attempt_at, id"
            "               limit 32"
            "                 for update skip locked)"
            " returning id, coalesce(from_addr::text, ''), to_addr::text,"
            "           coalesce(raw_message, '')");

        if (PQresultStatus(res) != PGRES_TUPLES_OK) {
            wk_log("mail: claiming: %s",
                   wk_pg_error_line(conn, line, sizeof(line)));
            PQclear(res);
            return -1;
        }

        n = PQntuples(res);

        if (n == 0) {
            PQclear(res);
            return 0;
        }

        for (i = 0; i < n; i++) {
            if (stop != NULL && *stop) {
                wk_smtp_unclaim(conn, res, i);
                break;
            }

            why[0] = '\0';

            if (PQgetvalue(res, i, 3)[0] == '\0'
                || PQgetvalue(res, i, 1)[0] == '\0')
            {
                outcome = 1;
                snprintf(why, sizeof(why), "the row holds no composed "
                         "message");

            } else {
                outcome = wk_smtp_send(mc, stop, PQgetvalue(res, i, 1),
                                       PQgetvalue(res, i, 2),
                                       PQgetvalue(res, i, 3), why,
                                       sizeof(why));
            }

            if (outcome != 0) {
                wk_log("mail: %s to %s: %s%s", PQgetvalue(res, i, 0),
                       PQgetvalue(res, i, 2), why,
                       outcome > 0 ? " (permanent: failed)" : "");
            }

            if (outcome == 0 && sent != NULL) {
                (*sent)++;
            }

            if (outcome != 0 && failed != NULL) {
                (*failed)++;
            }

            if (wk_smtp_settle(conn, mc, PQgetvalue(res, i, 0), outcome, why)
                != 0)
            {
                wk_log("mail: recording the outcome: %s",
                       wk_pg_error_line(conn, line, sizeof(line)));
                PQclear(res);
                return -1;
            }
        }

        PQclear(res);
    }

    return 0;
}


int
wk_smtp_duty(PGconn *conn, const wk_config_t *cfg,
    volatile sig_atomic_t *stop)
{
    int  sent = 0, failed = 0;

    if (wk_smtp_send_due(conn, cfg, stop, WK_SMTP_BUDGET_MS, &sent, &failed)
        != 0)
    {
        return -1;
    }

    return (sent + failed > 0);
}
