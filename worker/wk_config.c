/*
 * wk_config.c — where the worker finds its settings.
 *
 * Precedence: the environment variable HELPDESK_DB (a libpq conninfo) wins;
 * otherwise the settings file: $HELPDESK_CONF, default var/helpdesk.conf
 * relative to the current directory.  The file holds `key = value` lines;
 * blank lines and lines starting with `#` are ignored; the value runs to the
 * end of the line (so a conninfo may contain spaces and `=`), surrounding
 * whitespace and one pair of double quotes are stripped.
 *
 * Keys read here:  db, migrations_dir (default "migrations", relative to the
 * cwd), oidc_issuer (empty: OIDC off), oidc_jwks_file, oidc_refresh_seconds
 * (default 300, 1..86400), sla_tick_seconds (default 60, 0..86400; 0 turns
 * `run`'s SLA duty off, for tests that tick by hand); the outbound email
 * keys of wk_mail_conf.c.  Other keys are ignored: the file is shared with
 * other components.
 *
 * Environment overrides (an empty variable counts as unset): HELPDESK_DB,
 * HELPDESK_OIDC_ISSUER, HELPDESK_OIDC_JWKS_FILE.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wk.h"


#define WK_CONF_DEFAULT    "var/helpdesk.conf"
#define WK_CONF_KEY_CHARS  "abcdefghijklmnopqrstuvwxyz0123456789_"


/* Copy src into dst (size len); -1 when it does not fit. */
static int
wk_config_copy(char *dst, size_t len, const char *src)
{
    size_t  n = strlen(src);

    if (n >= len) {
        return -1;
    }

    memcpy(dst, src, n + 1);
    return 0;
}


/* Strip leading and trailing whitespace in place; returns the new start. */
static char *
wk_config_trim(char *s)
{
    char  *end;

    while (*s == ' ' || *s == '\t') {
        s++;
    }

    end = s + strlen(s);

    while (end > s && (end[-1] == ' ' || end[-1] == '\t'
                       || end[-1] == '\n' || end[-1] == '\r'))
    {
        *--end = '\0';
    }

    return s;
}


/* Remove one pair of surrounding double quotes, if present. */
static char *
wk_config_unquote(char *s)
{
    size_t  n = strlen(s);

    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        s[n - 1] = '\0';
        return s + 1;
    }

    return s;
}


/* Parse 0..WK_OIDC_REFRESH_MAX decimal seconds.  0 or -1. */
static int
wk_config_seconds(const char *value, int *out)
{
    char  *end;
    long   n;

    if (*value < '0' || *value > '9') {
        return -1;
    }

    errno = 0;
    n = strtol(value, &end, 10);

    if (errno != 0 || *end != '\0' || n < 0 || n > WK_OIDC_REFRESH_MAX) {
        return -1;
    }

    *out = (int) n;
    return 0;
}


/* Override dst from the environment variable name when it is set. */
static int
wk_config_env(char *dst, size_t len, const char *name)
{
    const char  *env = getenv(name);

    if (env == NULL || *env == '\0') {
        return 0;
    }

    if (wk_config_copy(dst, len, env) != 0) {
        wk_log("%s is too long", name);
        return -1;
    }

    return 1;
}


/*
 * Apply one `key = value` pair.  Returns 0, or -1 when a known key's value
 * is too long (logged with file and line).
 */
static int
wk_config_set(wk_config_t *cfg, const char *key, const char *value,
    const char *path, int lineno)
{
    int  rc = 0;

    /* outbound email keys: wk_mail_conf.c */
    rc = wk_mail_conf_set(&cfg->mail, key, value, path, lineno);

    if (rc != 0) {
        return rc < 0 ? -1 : 0;
    }

    if (strcmp(key, "db") == 0) {
        rc = wk_config_copy(cfg->db, sizeof(cfg->db), value);
        cfg->db_source = cfg->conf_path;

    } else if (strcmp(key, "migrations_dir") == 0) {
        rc = wk_config_copy(cfg->migrations_dir,
                            sizeof(cfg->migrations_dir), value);

    } else if (strcmp(key, "oidc_issuer") == 0) {
        rc = wk_config_copy(cfg->oidc_issuer, sizeof(cfg->oidc_issuer),
                            value);

    } else if (strcmp(key, "oidc_jwks_file") == 0) {
        rc = wk_config_copy(cfg->oidc_jwks_file,
                            sizeof(cfg->oidc_jwks_file), value);

    } else if (strcmp(key, "oidc_refresh_seconds") == 0) {
        if (*value == '\0') {
            cfg->oidc_refresh_seconds = WK_OIDC_REFRESH_DEFAULT;
    cfg->sla_tick_seconds = WK_SLA_TICK_DEFAULT;
            return 0;
        }

        if (wk_config_seconds(value, &cfg->oidc_refresh_seconds) != 0
            || cfg->oidc_refresh_seconds == 0)
        {
            wk_log("%s:%d: oidc_refresh_seconds must be a whole number of "
                   "seconds from 1 to %d, not \"%s\"", path, lineno,
                   WK_OIDC_REFRESH_MAX, value);
            return -1;
        }

    } else if (strcmp(key, "sla_tick_seconds") == 0) {
        if (*value == '\0') {
            cfg->sla_tick_seconds = WK_SLA_TICK_DEFAULT;
            return 0;
        }

        if (wk_config_seconds(value, &cfg->sla_tick_seconds) != 0) {
            wk_log("%s:%d: sla_tick_seconds must be a whole number of "
                   "seconds from 0 (off) to %d, not \"%s\"", path, lineno,
                   WK_OIDC_REFRESH_MAX, value);
            return -1;
        }
    }

    if (rc != 0) {
        wk_log("%s:%d: value of \"%s\" is too long", path, lineno, key);
    }

    return rc;
}


/* Read the settings file fp (named path) into cfg.  0 or -1 (logged). */
static int
wk_config_parse(wk_config_t *cfg, FILE *fp, const char *path)
{
    char   line[4096];
    char  *s, *eq, *key, *value;
    int    lineno = 0;

    while (fgets(line, sizeof(line), fp) != NULL) {
        lineno++;

        if (strchr(line, '\n') == NULL && !feof(fp)) {
            wk_log("%s:%d: line too long", path, lineno);
            return -1;
        }

        s = wk_config_trim(line);

        if (*s == '\0' || *s == '#') {
            continue;
        }

        eq = strchr(s, '=');

        if (eq == NULL) {
            wk_log("%s:%d: expected \"key = value\"", path, lineno);
            return -1;
        }

        *eq = '\0';
        key = wk_config_trim(s);
        value = wk_config_unquote(wk_config_trim(eq + 1));

        if (*key == '\0' || key[strspn(key, WK_CONF_KEY_CHARS)] != '\0') {
            wk_log("%s:%d: bad key \"%s\" (expected \"key = value\")",
                   path, lineno, key);
            return -1;
        }

        if (wk_config_set(cfg, key, value, path, lineno) != 0) {
            return -1;
        }
    }

    if (ferror(fp)) {
        wk_log("%s: read error: %s", path, strerror(errno));
        return -1;
    }

    return 0;
}


/*
 * Read the settings file if there is one.  A missing file is fine when it
 * is the default one, an error when $HELPDESK_CONF names it.
 */
static int
wk_config_read_file(wk_config_t *cfg)
{
    const char  *path, *env;
    FILE        *fp;
    int          rc;

    env = getenv("HELPDESK_CONF");
    path = (env != NULL && *env != '\0') ? env : WK_CONF_DEFAULT;

    fp = fopen(path, "r");

    if (fp == NULL) {
        if (errno == ENOENT && path != env) {
            return 0;
        }

        wk_log("cannot open settings file %s: %s", path, strerror(errno));
        return -1;
    }

    if (wk_config_copy(cfg->conf_path, sizeof(cfg->conf_path), path) != 0) {
        wk_log("settings file path is too long");
        fclose(fp);
        return -1;
    }

    rc = wk_config_parse(cfg, fp, path);
    fclose(fp);

    return rc;
}


int
wk_config_load(wk_config_t *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    strcpy(cfg->migrations_dir, "migrations");
    cfg->oidc_refresh_seconds = WK_OIDC_REFRESH_DEFAULT;
    cfg->sla_tick_seconds = WK_SLA_TICK_DEFAULT;
    wk_mail_conf_defaults(&cfg->mail);

    if (wk_config_read_file(cfg) != 0) {
        return -1;
    }

    switch (wk_config_env(cfg->db, sizeof(cfg->db), "HELPDESK_DB")) {
    case -1:
        return -1;
    case 1:
        cfg->db_source = "HELPDESK_DB";
        break;
    default:
        break;
    }

    if (wk_config_env(cfg->oidc_issuer, sizeof(cfg->oidc_issuer),
                      "HELPDESK_OIDC_ISSUER") < 0
        || wk_config_env(cfg->oidc_jwks_file, sizeof(cfg->oidc_jwks_file),
                         "HELPDESK_OIDC_JWKS_FILE") < 0)
    {
        return -1;
    }

    if (wk_mail_conf_finish(&cfg->mail) != 0) {
        return -1;
    }

    return 0;
}


int
wk_config_require_db(const wk_config_t *cfg)
{
    if (cfg->db[0] != '\0') {
        return 0;
    }

    wk_log("no database configured: set HELPDESK_DB to a libpq conninfo, "
           "or put \"db = ...\" in %s",
           cfg->conf_path[0] != '\0' ? cfg->conf_path
                                     : "$HELPDESK_CONF or " WK_CONF_DEFAULT);
    return -1;
}
