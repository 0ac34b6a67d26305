/*
 * wk_user.c — local accounts from the shell.
 *
 *   helpdesk-worker user add --email E --role R [--role R2 ...] [--name N]
 *                            [--no-password]
 *   helpdesk-worker user passwd --email E
 *   helpdesk-worker user list
 *
 * The password is read from standard input: when that is not a terminal,
 * its one line (the trailing newline, or CR LF, stripped; anything after
 * that line is refused); when it is, after two prompts on stderr with echo
 * off.  At least 12 characters, at most 1023 bytes (what the API's login
 * accepts).  It is hashed here with argon2id at the core's costs
 * (HD_ARGON2_* in core/hd_api.h, a 16-byte salt from RAND_bytes, a 32-byte
 * hash), so the API verifies it exactly as it verifies a password set
 * through POST /api/users.  The password itself is never printed or logged,
 * and its buffer is wiped after hashing.
 *
 * `add` inserts the user and roles and appends the audit event
 * ('system' actor, 'user.created', via 'cli') in one transaction.
 * `passwd` replaces the hash, ends the user's open sessions and appends
 * 'user.password_set', also in one transaction.
 *
 * Exit codes: 0 done; 1 failure (duplicate email, no such user, a password
 * too short, the database); 2 usage (bad arguments, an unknown role: the
 * known ones are listed).
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <argon2.h>
#include <openssl/rand.h>

#include "hd_api.h"
#include "wk.h"


#define WK_PASSWORD_MIN     12          /* characters */
#define WK_PASSWORD_MAX     1023        /* bytes, as the core's login */
#define WK_ARGON2_SALT_LEN  16
#define WK_ARGON2_HASH_LEN  32
#define WK_ROLES_MAX        16
#define WK_NAME_MAX         200         /* characters, as users.display_name */

/* the roles from least to most privileged, then any others by name */
#define WK_ROLE_ORDER \
    "array_position(array['requester', 'agent', 'team_lead', 'manager'," \
    " 'admin'], key), key"
#define WK_ROLE_ORDER_R \
    "array_position(array['requester', 'agent', 'team_lead', 'manager'," \
    " 'admin'], r.key), r.key"

#define WK_AUDIT_APPEND \
    "audit_append(text, uuid, text, uuid, text, jsonb, inet, text)"


typedef struct {
    const char  *email;
    const char  *name;
    const char  *roles[WK_ROLES_MAX];
    int          nroles;
    int          no_password;
} wk_user_args_t;


void
wk_user_usage(FILE *fp)
{
    fprintf(fp,
        "usage: %s user add --email E --role R [--role R2 ...] [--name N]\n"
        "                            [--no-password]\n"
        "       %s user passwd --email E\n"
        "       %s user list\n"
        "\n"
        "The password is read from standard input: one line when it is not "
        "a\n"
        "terminal, else prompted for twice without echo.  At least %d "
        "characters.\n"
        "--no-password makes an account that signs in only through the "
        "identity\n"
        "provider.  --name defaults to the email address.  Roles: requester, "
        "agent,\n"
        "team_lead, manager, admin.\n",
        WK_NAME, WK_NAME, WK_NAME, WK_PASSWORD_MIN);
}


static void
wk_user_hint(void)
{
    fprintf(stderr, "%s: see \"%s user help\"\n", WK_NAME, WK_NAME);
}


/* Number of UTF-8 characters in s (continuation bytes not counted). */
static size_t
wk_user_chars(const char *s)
{
    size_t  n = 0;

    for ( ; *s != '\0'; s++) {
        n += (((unsigned char) *s & 0xc0) != 0x80);
    }

    return n;
}


/* The users.email check: ^[^@[:space:]]+@[^@[:space:]]+$ */
static int
wk_user_email_ok(const char *e)
{
    const char  *at = strchr(e, '@');
    const char  *p;

    if (at == NULL || at == e || at[1] == '\0' || strchr(at + 1, '@')) {
        return 0;
    }

    for (p = e; *p != '\0'; p++) {
        if (strchr(" \t\n\r\v\f", *p) != NULL) {
            return 0;
        }
    }

    return strlen(e) <= 320;
}


/*
 * "--key value" or "--key=value" at argv[*i]: 1 and *value set when arg is
 * key, 0 when it is another option, -1 when the value is missing.
 */
static int
wk_user_opt(int argc, char **argv, int *i, const char *key,
    const char **value)
{
    const char  *arg = argv[*i];
    size_t       n = strlen(key);

    if (strncmp(arg, key, n) != 0) {
        return 0;
    }

    if (arg[n] == '=') {
        *value = arg + n + 1;
        return 1;
    }

    if (arg[n] != '\0') {
        return 0;
    }

    if (*i + 1 >= argc) {
        fprintf(stderr, "%s: %s needs a value\n", WK_NAME, key);
        return -1;
    }

    *value = argv[++*i];
    return 1;
}


/*
 * Parse the options of `user <cmd>`; allowed is a subset of "enrp"
 * (--email, --name, --role, --no-password).  0, or -1 after printing why.
 */
static int
wk_user_parse(const char *cmd, const char *allowed, int argc, char **argv,
    wk_user_args_t *a)
{
    const char  *v;
    int          i, j, rc;

    memset(a, 0, sizeof(*a));

    for (i = 0; i < argc; i++) {
        if (strchr(allowed, 'e')
            && (rc = wk_user_opt(argc, argv, &i, "--email", &v)) != 0)
        {
            if (rc < 0) {
                return -1;
            }

            if (a->email != NULL) {
                fprintf(stderr, "%s: --email given twice\n", WK_NAME);
                return -1;
            }

            a->email = v;

        } else if (strchr(allowed, 'n')
                   && (rc = wk_user_opt(argc, argv, &i, "--name", &v)) != 0)
        {
            if (rc < 0) {
                return -1;
            }

            a->name = v;

        } else if (strchr(allowed, 'r')
                   && (rc = wk_user_opt(argc, argv, &i, "--role", &v)) != 0)
        {
            if (rc < 0) {
                return -1;
            }

            for (j = 0; j < a->nroles && strcmp(a->roles[j], v) != 0; j++) {
                /* void */
            }

            if (j < a->nroles) {
                continue;
            }

            if (a->nroles == WK_ROLES_MAX) {
                fprintf(stderr, "%s: too many roles\n", WK_NAME);
                return -1;
            }

            a->roles[a->nroles++] = v;

        } else if (strchr(allowed, 'p')
                   && strcmp(argv[i], "--no-password") == 0)
        {
            a->no_password = 1;

        } else {
            fprintf(stderr, "%s: user %s: unexpected argument \"%s\"\n",
                    WK_NAME, cmd, argv[i]);
            return -1;
        }
    }

    if (strchr(allowed, 'e') && a->email == NULL) {
        fprintf(stderr, "%s: user %s: --email is required\n", WK_NAME, cmd);
        return -1;
    }

    if (a->email != NULL && !wk_user_email_ok(a->email)) {
        fprintf(stderr, "%s: \"%s\" is not an email address\n", WK_NAME,
                a->email);
        return -1;
    }

    if (strchr(allowed, 'r') && a->nroles == 0) {
        fprintf(stderr, "%s: user %s: at least one --role is required\n",
                WK_NAME, cmd);
        return -1;
    }

    if (a->name != NULL) {
        for (v = a->name; *v == ' ' || *v == '\t'; v++) {
            /* void */
        }

        if (*v == '\0' || wk_user_chars(a->name) > WK_NAME_MAX) {
            fprintf(stderr, "%s: --name must be 1 to %d characters, not "
                    "blank\n", WK_NAME, WK_NAME_MAX);
            return -1;
        }
    }

    return 0;
}


/* ---------------------------------------------------------------------------
 * Reading the password
 */

static struct termios          wk_user_tty;
static volatile sig_atomic_t   wk_user_tty_saved;


/* A signal while echo is off: restore the terminal, then die of it. */
static void
wk_user_tty_signal(int signo)
{
    if (wk_user_tty_saved) {
        tcsetattr(STDIN_FILENO, TCSANOW, &wk_user_tty);
        (void) !write(STDERR_FILENO, "\n", 1);
    }

    signal(signo, SIG_DFL);
    raise(signo);
}


/*
 * Read one line from fd into buf (size len, NUL-terminated, newline not
 * kept).  Returns its length; -1 on a read error, -2 when longer than
 * len - 1; *ended says whether a newline ended it (else EOF did).
 */
static ssize_t
wk_user_read_line(int fd, char *buf, size_t len, int *ended)
{
    size_t   n = 0;
    ssize_t  r;
    char     c;

    *ended = 0;

    for ( ;; ) {
        r = read(fd, &c, 1);

        if (r < 0 && errno == EINTR) {
            continue;
        }

        if (r < 0) {
            return -1;
        }

        if (r == 0) {
            break;
        }

        if (c == '\n') {
            *ended = 1;
            break;
        }

        if (n + 1 >= len) {
            buf[n] = '\0';
            return -2;
        }

        buf[n++] = c;
    }

    buf[n] = '\0';
    return (ssize_t) n;
}


/* Check a password read into buf (n bytes).  0, or -1 after logging. */
static int
wk_user_password_ok(const char *buf, size_t n)
{
    if (memchr(buf, '\0', n) != NULL) {
        wk_log("the password must not contain a NUL byte");
        return -1;
    }

    if (wk_user_chars(buf) < WK_PASSWORD_MIN) {
        wk_log("the password must be at least %d characters long",
               WK_PASSWORD_MIN);
        return -1;
    }

    return 0;
}


static int
wk_user_read_stdin(char *buf, size_t len)
{
    ssize_t  n, r;
    int      ended;
    char     c;

    n = wk_user_read_line(STDIN_FILENO, buf, len, &ended);

    if (n == -1) {
        wk_log("reading the password from standard input: %s",
               strerror(errno));
        return -1;
    }

    if (n == -2) {
        wk_log("the password on standard input is longer than %d bytes",
               WK_PASSWORD_MAX);
        return -1;
    }

    if (n == 0 && !ended) {
        wk_log("no password on standard input (give it as one line, or use "
               "--no-password for an account without one)");
        return -1;
    }

    if (n > 0 && buf[n - 1] == '\r') {
        buf[--n] = '\0';
    }

    if (ended) {
        do {
            r = read(STDIN_FILENO, &c, 1);
        } while (r < 0 && errno == EINTR);

        if (r != 0) {
            wk_log("standard input holds more than one line; give the "
                   "password alone");
            return -1;
        }
    }

    return wk_user_password_ok(buf, (size_t) n);
}


/* Prompt on stderr and read one line from the terminal with echo off. */
static int
wk_user_prompt_once(const char *prompt, char *buf, size_t len)
{
    struct termios    quiet;
    struct sigaction  sa, old_int, old_term, old_hup, old_quit;
    ssize_t           n;
    int               ended, saved_errno;

    if (tcgetattr(STDIN_FILENO, &wk_user_tty) != 0) {
        wk_log("cannot read the terminal's settings: %s", strerror(errno));
        return -1;
    }

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = wk_user_tty_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGHUP, &sa, &old_hup);
    sigaction(SIGQUIT, &sa, &old_quit);

    quiet = wk_user_tty;
    quiet.c_lflag &= ~(tcflag_t) (ECHO | ECHOE | ECHOK);
    quiet.c_lflag |= ICANON;

    fputs(prompt, stderr);
    fflush(stderr);

    wk_user_tty_saved = 1;

    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) != 0) {
        saved_errno = errno;
        wk_user_tty_saved = 0;
        wk_log("cannot turn off echo: %s", strerror(saved_errno));
        n = -3;
        goto restore;
    }

    n = wk_user_read_line(STDIN_FILENO, buf, len, &ended);
    saved_errno = errno;

    tcsetattr(STDIN_FILENO, TCSAFLUSH, &wk_user_tty);
    wk_user_tty_saved = 0;
    fputc('\n', stderr);

restore:

    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGHUP, &old_hup, NULL);
    sigaction(SIGQUIT, &old_quit, NULL);

    if (n == -1) {
        wk_log("reading the password: %s", strerror(saved_errno));
    } else if (n == -2) {
        wk_log("the password is longer than %d bytes", WK_PASSWORD_MAX);
    }

    return (n < 0) ? -1 : (int) n;
}


static int
wk_user_prompt(char *buf, size_t len)
{
    char  again[WK_PASSWORD_MAX + 1];
    int   n, m, same;

    n = wk_user_prompt_once("Password: ", buf, len);

    if (n < 0 || wk_user_password_ok(buf, (size_t) n) != 0) {
        return -1;
    }

    m = wk_user_prompt_once("Repeat password: ", again, sizeof(again));
    same = (m == n && memcmp(buf, again, (size_t) n) == 0);
    explicit_bzero(again, sizeof(again));

    if (m < 0) {
        return -1;
    }

    if (!same) {
        wk_log("the passwords do not match");
        return -1;
    }

    return 0;
}


/*
 * Read a password (stdin or the terminal) and hash it into encoded.  0, or
 * -1 after logging why.  Nothing of the password survives the call.
 */
static int
wk_user_new_hash(char *encoded, size_t enclen)
{
    char           password[WK_PASSWORD_MAX + 1];
    unsigned char  salt[WK_ARGON2_SALT_LEN];
    int            rc = -1, arc;

    if (isatty(STDIN_FILENO)) {
        if (wk_user_prompt(password, sizeof(password)) != 0) {
            goto done;
        }

    } else if (wk_user_read_stdin(password, sizeof(password)) != 0) {
        goto done;
    }

    if (RAND_bytes(salt, sizeof(salt)) != 1) {
        wk_log("RAND_bytes failed: no salt for the password hash");
        goto done;
    }

    arc = argon2id_hash_encoded(HD_ARGON2_T_COST, HD_ARGON2_M_COST,
                                HD_ARGON2_PARALLEL, password,
                                strlen(password), salt, sizeof(salt),
                                WK_ARGON2_HASH_LEN, encoded, enclen);

    if (arc != ARGON2_OK) {
        wk_log("argon2id: %s", argon2_error_message(arc));
        goto done;
    }

    rc = 0;

done:

    explicit_bzero(password, sizeof(password));
    explicit_bzero(salt, sizeof(salt));

    return rc;
}


/* ---------------------------------------------------------------------------
 * Database
 */

/* Connect and make sure the identity schema is there.  NULL after logging. */
static PGconn *
wk_user_connect(const wk_config_t *cfg)
{
    PGconn    *conn;
    PGresult  *res;
    int        ok;

    if (wk_config_require_db(cfg) != 0) {
        return NULL;
    }

    conn = wk_pg_connect(cfg->db, "user", NULL, 10, NULL, 0);

    if (conn == NULL) {
        return NULL;
    }

    if (wk_pg_run(conn, "set client_min_messages = warning", "user") != 0) {
        PQfinish(conn);
        return NULL;
    }

    res = wk_pg_exec(conn,
        "select to_regclass('users') is not null"
        "   and to_regclass('user_roles') is not null"
        "   and to_regprocedure('" WK_AUDIT_APPEND "') is not null",
        "user");

    if (res == NULL) {
        PQfinish(conn);
        return NULL;
    }

    ok = (strcmp(PQgetvalue(res, 0, 0), "t") == 0);
    PQclear(res);

    if (!ok) {
        wk_log("the database has no identity schema yet; run \"%s migrate\" "
               "first", WK_NAME);
        PQfinish(conn);
        return NULL;
    }

    return conn;
}


/*
 * Run sql with params in the open connection.  Returns the result, or NULL
 * after logging "<what>: message"; *state (may be NULL) gets the SQLSTATE
 * (or "").
 */
static PGresult *
wk_user_exec(PGconn *conn, const char *sql, int nparams,
    const char *const *params, const char *what, char *state)
{
    PGresult     *res;
    const char   *s, *msg, *detail;
    char          reason[512];

    res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);

    if (PQresultStatus(res) == PGRES_TUPLES_OK
        || PQresultStatus(res) == PGRES_COMMAND_OK)
    {
        if (state != NULL) {
            state[0] = '\0';
        }

        return res;
    }

    s = PQresultErrorField(res, PG_DIAG_SQLSTATE);

    if (state != NULL) {
        snprintf(state, 6, "%s", s != NULL ? s : "");
    }

    if (state == NULL || s == NULL || strcmp(s, "23505") != 0) {
        msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
        detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
        wk_log("%s: %s%s%s", what,
               msg != NULL ? msg
                           : wk_pg_error_line(conn, reason, sizeof(reason)),
               detail != NULL ? " — " : "", detail != NULL ? detail : "");
    }

    PQclear(res);
    return NULL;
}


/*
 * Check the requested roles against the roles table.  0; 1 when one is
 * unknown (printed with the list: exit 2); -1 on a database error.
 */
static int
wk_user_check_roles(PGconn *conn, const wk_user_args_t *a)
{
    PGresult  *res;
    int        i, r, rows, found, rc = 0;

    res = wk_pg_exec(conn, "select key from roles order by " WK_ROLE_ORDER,
                     "roles");

    if (res == NULL) {
        return -1;
    }

    rows = PQntuples(res);

    for (i = 0; i < a->nroles && rc == 0; i++) {
        for (found = 0, r = 0; r < rows && !found; r++) {
            found = (strcmp(PQgetvalue(res, r, 0), a->roles[i]) == 0);
        }

        if (!found) {
            fprintf(stderr, "%s: unknown role \"%s\"; the roles are:",
                    WK_NAME, a->roles[i]);

            for (r = 0; r < rows; r++) {
                fprintf(stderr, "%s %s", r > 0 ? "," : "",
                        PQgetvalue(res, r, 0));
            }

            fputc('\n', stderr);
            rc = 1;
        }
    }

    PQclear(res);
    return rc;
}


/* The roles as a Postgres array literal; keys are ^[a-z][a-z_]*$. */
static void
wk_user_roles_literal(const wk_user_args_t *a, char *buf, size_t len)
{
    size_t  n = 0;
    int     i;

    buf[n++] = '{';

    for (i = 0; i < a->nroles; i++) {
        n += (size_t) snprintf(buf + n, len - n, "%s%s", i > 0 ? "," : "",
                               a->roles[i]);
    }

    snprintf(buf + n, len - n, "}");
}


/* Is there a user with this email?  1 yes, 0 no, -1 error. */
static int
wk_user_exists(PGconn *conn, const char *email)
{
    const char  *params[1] = { email };
    PGresult    *res;
    int          n;

    res = wk_user_exec(conn, "select 1 from users where email = $1::citext",
                       1, params, "user lookup", NULL);

    if (res == NULL) {
        return -1;
    }

    n = PQntuples(res);
    PQclear(res);

    return n > 0;
}


static int
wk_user_rollback(PGconn *conn, int rc)
{
    if (PQtransactionStatus(conn) != PQTRANS_IDLE) {
        PQclear(PQexec(conn, "rollback"));
    }

    return rc;
}


static int
wk_user_add(const wk_config_t *cfg, int argc, char **argv)
{
    wk_user_args_t   a;
    PGconn          *conn;
    PGresult        *res;
    const char      *params[4];
    char             encoded[256], roles[WK_ROLES_MAX * 70], id[64];
    char             state[8];
    int              rc = WK_EXIT_FAIL, r;

    if (wk_user_parse("add", "enrp", argc, argv, &a) != 0) {
        wk_user_hint();
        return WK_EXIT_USAGE;
    }

    conn = wk_user_connect(cfg);

    if (conn == NULL) {
        return WK_EXIT_FAIL;
    }

    r = wk_user_check_roles(conn, &a);

    if (r != 0) {
        PQfinish(conn);
        return r > 0 ? WK_EXIT_USAGE : WK_EXIT_FAIL;
    }

    r = wk_user_exists(conn, a.email);

    if (r != 0) {
        if (r > 0) {
            wk_log("a user with email %s already exists; nothing changed",
                   a.email);
        }

        PQfinish(conn);
        return WK_EXIT_FAIL;
    }

    encoded[0] = '\0';

    if (!a.no_password && wk_user_new_hash(encoded, sizeof(encoded)) != 0) {
        PQfinish(conn);
        return WK_EXIT_FAIL;
    }

    wk_user_roles_literal(&a, roles, sizeof(roles));

    if (wk_pg_run(conn, "begin", "user add: begin") != 0) {
        goto done;
    }

    params[0] = a.email;
    params[1] = a.name != NULL ? a.name : a.email;
    params[2] = a.no_password ? NULL : encoded;

    res = wk_user_exec(conn,
        "insert into users (email, display_name, password_hash)"
        " values ($1, $2, $3) returning id",
        3, params, "user add", state);

    if (res == NULL) {
        if (strcmp(state, "23505") == 0) {
            wk_log("a user with email %s already exists; nothing changed",
                   a.email);
        }

        goto done;
    }

    snprintf(id, sizeof(id), "%s", PQgetvalue(res, 0, 0));
    PQclear(res);

    params[0] = id;
    params[1] = roles;

    res = wk_user_exec(conn,
        "insert into user_roles (user_id, role_id)"
        " select $1::uuid, r.id from roles r where r.key = any ($2::text[])",
        2, params, "user add: roles", NULL);

    if (res == NULL) {
        goto done;
    }

    PQclear(res);

    params[0] = id;
    params[1] = a.email;
    params[2] = roles;

    res = wk_user_exec(conn,
        "select audit_append('system', null, 'user', $1::uuid,"
        " 'user.created', jsonb_build_object('email', $2::text,"
        " 'roles', $3::text[], 'via', 'cli'), null, null)",
        3, params, "user add: audit", NULL);

    if (res == NULL) {
        goto done;
    }

    PQclear(res);

    if (wk_pg_run(conn, "commit", "user add: commit") != 0) {
        goto done;
    }

    wk_log("created user %s (%s) with role%s %.*s%s", a.email, id,
           a.nroles > 1 ? "s" : "", (int) strlen(roles) - 2, roles + 1,
           a.no_password ? "; no password: signs in through OIDC only" : "");
    printf("%s\n", id);
    fflush(stdout);

    rc = WK_EXIT_OK;

done:

    explicit_bzero(encoded, sizeof(encoded));
    wk_user_rollback(conn, rc);
    PQfinish(conn);

    return rc;
}


static int
wk_user_passwd(const wk_config_t *cfg, int argc, char **argv)
{
    wk_user_args_t   a;
    PGconn          *conn;
    PGresult        *res;
    const char      *params[3];
    char             encoded[256], id[64], ended[32];
    int              rc = WK_EXIT_FAIL, active;

    if (wk_user_parse("passwd", "e", argc, argv, &a) != 0) {
        wk_user_hint();
        return WK_EXIT_USAGE;
    }

    conn = wk_user_connect(cfg);

    if (conn == NULL) {
        return WK_EXIT_FAIL;
    }

    params[0] = a.email;
    res = wk_user_exec(conn,
        "select id, active from users where email = $1::citext",
        1, params, "user lookup", NULL);

    if (res == NULL) {
        PQfinish(conn);
        return WK_EXIT_FAIL;
    }

    if (PQntuples(res) != 1) {
        wk_log("no user with email %s", a.email);
        PQclear(res);
        PQfinish(conn);
        return WK_EXIT_FAIL;
    }

    snprintf(id, sizeof(id), "%s", PQgetvalue(res, 0, 0));
    active = (strcmp(PQgetvalue(res, 0, 1), "t") == 0);
    PQclear(res);

    encoded[0] = '\0';

    if (wk_user_new_hash(encoded, sizeof(encoded)) != 0) {
        PQfinish(conn);
        return WK_EXIT_FAIL;
    }

    if (wk_pg_run(conn, "begin", "user passwd: begin") != 0) {
        goto done;
    }

    params[0] = id;
    params[1] = encoded;

    res = wk_user_exec(conn,
        "update users set password_hash = $2 where id = $1::uuid",
        2, params, "user passwd", NULL);

    if (res == NULL) {
        goto done;
    }

    PQclear(res);

    /* a new password ends every session signed in with the old one */
    res = wk_user_exec(conn,
        "with ended as (update sessions set revoked_at = now()"
        "                where user_id = $1::uuid and revoked_at is null"
        "                  and expires_at > now() returning 1)"
        " select count(*) from ended",
        1, params, "user passwd: sessions", NULL);

    if (res == NULL) {
        goto done;
    }

    snprintf(ended, sizeof(ended), "%s", PQgetvalue(res, 0, 0));
    PQclear(res);

    params[1] = a.email;
    params[2] = ended;

    res = wk_user_exec(conn,
        "select audit_append('system', null, 'user', $1::uuid,"
        " 'user.password_set', jsonb_build_object('email', $2::text,"
        " 'via', 'cli', 'sessions_ended', $3::int), null, null)",
        3, params, "user passwd: audit", NULL);

    if (res == NULL) {
        goto done;
    }

    PQclear(res);

    if (wk_pg_run(conn, "commit", "user passwd: commit") != 0) {
        goto done;
    }

    wk_log("password of %s set; %s open session(s) ended%s", a.email, ended,
           active ? "" : " (the account is deactivated: it still cannot "
                         "sign in)");
    rc = WK_EXIT_OK;

done:

    explicit_bzero(encoded, sizeof(encoded));
    wk_user_rollback(conn, rc);
    PQfinish(conn);

    return rc;
}


static int
wk_user_list(const wk_config_t *cfg, int argc, char **argv)
{
    PGconn    *conn;
    PGresult  *res;

    if (argc > 0) {
        fprintf(stderr, "%s: user list: unexpected argument \"%s\"\n",
                WK_NAME, argv[0]);
        wk_user_hint();
        return WK_EXIT_USAGE;
    }

    conn = wk_user_connect(cfg);

    if (conn == NULL) {
        return WK_EXIT_FAIL;
    }

    res = wk_pg_exec(conn,
        "select u.email, u.display_name as name,"
        "       coalesce(nullif(array_to_string(array("
        "           select r.key from user_roles ur"
        "             join roles r on r.id = ur.role_id"
        "            where ur.user_id = u.id order by " WK_ROLE_ORDER_R "),"
        "           ','), ''), '-')"
        "           as roles,"
        "       case when u.active then 'yes' else 'no' end as active,"
        "       case when u.password_hash is not null"
        "                 and u.external_id is not null then 'password+oidc'"
        "            when u.password_hash is not null then 'password'"
        "            when u.external_id is not null then 'oidc'"
        "            else '-' end as sign_in"
        "  from users u order by u.email",
        "user list");

    if (res == NULL) {
        PQfinish(conn);
        return WK_EXIT_FAIL;
    }

    wk_pg_print(res);
    fflush(stdout);

    PQclear(res);
    PQfinish(conn);

    return WK_EXIT_OK;
}


int
wk_user(const wk_config_t *cfg, int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "add") == 0) {
        return wk_user_add(cfg, argc - 1, argv + 1);
    }

    if (argc >= 1 && strcmp(argv[0], "passwd") == 0) {
        return wk_user_passwd(cfg, argc - 1, argv + 1);
    }

    if (argc >= 1 && strcmp(argv[0], "list") == 0) {
        return wk_user_list(cfg, argc - 1, argv + 1);
    }

    if (argc >= 1) {
        fprintf(stderr, "%s: user: unknown subcommand \"%s\"\n", WK_NAME,
                argv[0]);
    }

    wk_user_usage(stderr);
    return WK_EXIT_USAGE;
}
