/*
 * wk_mail_conf.c — the outbound email settings of helpdesk.conf.
 *
 *   smtp_url          smtp://host:port (STARTTLS per smtp_starttls) or
 *                     smtps://host:port (implicit TLS); empty: mail stays
 *                     queued in email_outbound
 *   smtp_starttls     required (default) | off — for smtp:// only
 *   smtp_user         login name for AUTH
 *   smtp_password     password (env HELPDESK_SMTP_PASSWORD wins)
 *   smtp_bearer       OAuth2 access token for XOAUTH2 (env
 *                     HELPDESK_SMTP_BEARER wins); used instead of the
 *                     password when set
 *   mail_from         the helpdesk's address; empty: no notification
 *                     mail is composed at all
 *   mail_reply_to     where replies go (default mail_from): the mailbox the
 *                     inbound poller reads
 *   org_name          shown in From and in every message (default
 *                     "Helpdesk")
 *   org_color         "#RRGGBB" of the message band (default #1f6feb)
 *   public_url        the instance's address; the survey links are
 *                     <public_url>/csat/<token>?score=good|bad (empty: no
 *                     links)
 *   auto_close_days   resolved tickets close after this many days without
 *                     a requester reply (default 3; 0: never)
 *   mail_retry_seconds  first delay after a temporary SMTP failure,
 *                     doubling each time up to 10 minutes (default 5)
 *   mail_max_attempts SMTP attempts before a message is 'failed'
 *                     (default 50)
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hd_mail.h"
#include "wk.h"


void
wk_mail_conf_defaults(wk_mail_conf_t *mc)
{
    memset(mc, 0, sizeof(*mc));
    mc->smtp_starttls = 1;
    strcpy(mc->org_name, "Helpdesk");
    strcpy(mc->org_color, "#1f6feb");
    mc->auto_close_days = 3;
    mc->retry_seconds = 5;
    mc->max_attempts = 50;
}


static int
wk_mail_conf_copy(char *dst, size_t len, const char *src)
{
    size_t  n = strlen(src);

    if (n >= len) {
        return -1;
    }

    memcpy(dst, src, n + 1);
    return 0;
}


/* lo..hi decimal; 0 or -1. */
static int
wk_mail_conf_int(const char *value, int lo, int hi, int *out)
{
    char  *end;
    long   n;

    if (*value < '0' || *value > '9') {
        return -1;
    }

    errno = 0;
    n = strtol(value, &end, 10);

    if (errno != 0 || *end != '\0' || n < lo || n > hi) {
        return -1;
    }

    *out = (int) n;
    return 0;
}


static int
wk_mail_conf_color(const char *v)
{
    return strlen(v) == 7 && v[0] == '#'
           && strspn(v + 1, "0123456789abcdefABCDEF") == 6;
}


int
wk_mail_conf_set(wk_mail_conf_t *mc, const char *key, const char *value,
    const char *path, int lineno)
{
    struct {
        const char  *key;
        char        *dst;
        size_t       len;
    } strs[] = {
        { "smtp_url", mc->smtp_url, sizeof(mc->smtp_url) },
        { "smtp_user", mc->smtp_user, sizeof(mc->smtp_user) },
        { "smtp_password", mc->smtp_password, sizeof(mc->smtp_password) },
        { "smtp_bearer", mc->smtp_bearer, sizeof(mc->smtp_bearer) },
        { "mail_from", mc->from, sizeof(mc->from) },
        { "mail_reply_to", mc->reply_to, sizeof(mc->reply_to) },
        { "org_name", mc->org_name, sizeof(mc->org_name) },
        { "public_url", mc->public_url, sizeof(mc->public_url) },
    };
    size_t  i;

    for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
        if (strcmp(key, strs[i].key) != 0) {
            continue;
        }

        if (strcmp(key, "org_name") == 0 && *value == '\0') {
            return 1;                   /* keep the default */
        }

        if (wk_mail_conf_copy(strs[i].dst, strs[i].len, value) != 0) {
            wk_log("%s:%d: value of \"%s\" is too long", path, lineno, key);
            return -1;
        }

        if ((strcmp(key, "mail_from") == 0
             || strcmp(key, "mail_reply_to") == 0)
            && *value != '\0' && !hd_mail_addr_valid(value))
        {
            wk_log("%s:%d: %s must be a plain address (local@domain), not "
                   "\"%s\"", path, lineno, key, value);
            return -1;
        }

        if (strcmp(key, "smtp_url") == 0 && *value != '\0'
            && strncmp(value, "smtp://", 7) != 0
            && strncmp(value, "smtps://", 8) != 0)
        {
            wk_log("%s:%d: smtp_url must start with smtp:// or smtps://",
                   path, lineno);
            return -1;
        }

        return 1;
    }

    if (strcmp(key, "smtp_starttls") == 0) {
        if (strcmp(value, "required") == 0 || *value == '\0') {
            mc->smtp_starttls = 1;

        } else if (strcmp(value, "off") == 0) {
            mc->smtp_starttls = 0;

        } else {
            wk_log("%s:%d: smtp_starttls is \"required\" or \"off\"", path,
                   lineno);
            return -1;
        }

        return 1;
    }

    if (strcmp(key, "org_color") == 0) {
        if (*value != '\0' && !wk_mail_conf_color(value)) {
            wk_log("%s:%d: org_color must be #RRGGBB", path, lineno);
            return -1;
        }

        if (*value != '\0') {
            strcpy(mc->org_color, value);
        }

        return 1;
    }

    if (strcmp(key, "auto_close_days") == 0) {
        if (*value != '\0'
            && wk_mail_conf_int(value, 0, 3650, &mc->auto_close_days) != 0)
        {
            wk_log("%s:%d: auto_close_days must be 0 to 3650", path, lineno);
            return -1;
        }

        return 1;
    }

    if (strcmp(key, "mail_retry_seconds") == 0) {
        if (*value != '\0'
            && wk_mail_conf_int(value, 1, 600, &mc->retry_seconds) != 0)
        {
            wk_log("%s:%d: mail_retry_seconds must be 1 to 600", path,
                   lineno);
            return -1;
        }

        return 1;
    }

    if (strcmp(key, "mail_max_attempts") == 0) {
        if (*value != '\0'
            && wk_mail_conf_int(value, 1, 1000, &mc->max_attempts) != 0)
        {
            wk_log("%s:%d: mail_max_attempts must be 1 to 1000", path,
                   lineno);
            return -1;
        }

        return 1;
    }

    return 0;
}


int
wk_mail_conf_finish(wk_mail_conf_t *mc)
{
    const char  *env;

    env = getenv("HELPDESK_SMTP_PASSWORD");

    if (env != NULL && *env != '\0'
        && wk_mail_conf_copy(mc->smtp_password, sizeof(mc->smtp_password),
                             env) != 0)
    {
        wk_log("HELPDESK_SMTP_PASSWORD is too long");
        return -1;
    }

    env = getenv("HELPDESK_SMTP_BEARER");

    if (env != NULL && *env != '\0'
        && wk_mail_conf_copy(mc->smtp_bearer, sizeof(mc->smtp_bearer), env)
           != 0)
    {
        wk_log("HELPDESK_SMTP_BEARER is too long");
        return -1;
    }

    if (mc->reply_to[0] == '\0') {
        strcpy(mc->reply_to, mc->from);
    }

    return 0;
}
