/*
 * wk_migrate.c — `helpdesk-worker migrate` and `migrate --status`.
 *
 * Migrations are files named NNNN_what_it_does.sql (four digits, an
 * underscore, lower-case letters, digits and underscores) in migrations_dir.
 * Each pending file is applied in its own transaction together with its
 * schema_migrations row (version, name, sha256 hex checksum, applied_at), so
 * a file is either fully applied and recorded or not at all.  A session
 * advisory lock serializes concurrent migrators; the second one waits and
 * then finds nothing left to do.
 *
 * Before applying anything the recorded history is checked against the
 * files; migrate refuses (exit 1, naming the file) when an applied file
 * changed, was renamed or is missing, or when a pending file sorts before an
 * applied one.  Files must not contain their own BEGIN/COMMIT, nor
 * statements that cannot run inside a transaction block.
 */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "wk.h"


#define WK_MIG_MAX_BYTES  (64 * 1024 * 1024)


typedef struct {
    int     version;
    char    file[256];              /* "0001_spine.sql" */
    char    name[256];              /* "spine" */
    char    checksum[65];           /* sha256 of the file, hex */
    char   *sql;                    /* file contents, NUL-terminated */
    int     on_disk;

    int     applied;
    char    applied_name[256];
    char    applied_checksum[65];
    char    applied_at[40];
} wk_mig_t;


typedef struct {
    const char  *dir;
    wk_mig_t    *items;             /* sorted by version */
    size_t       n;
    size_t       cap;
} wk_mig_set_t;


static const char  wk_mig_create_table[] =
    "create table if not exists schema_migrations (\n"
    "    version     integer primary key check (version > 0),\n"
    "    name        text not null,\n"
    "    checksum    text not null check (checksum ~ '^[0-9a-f]{64}$'),\n"
    "    applied_at  timestamptz not null default now()\n"
    ");\n"
    "comment on table schema_migrations is\n"
    "    'Applied migrations; written only by helpdesk-worker migrate.'";


/* Free everything the set owns. */
static void
wk_mig_set_free(wk_mig_set_t *set)
{
    size_t  i;

    for (i = 0; i < set->n; i++) {
        free(set->items[i].sql);
    }

    free(set->items);
    set->items = NULL;
    set->n = set->cap = 0;
}


/* Find the entry for version, or NULL. */
static wk_mig_t *
wk_mig_find(wk_mig_set_t *set, int version)
{
    size_t  i;

    for (i = 0; i < set->n; i++) {
        if (set->items[i].version == version) {
            return &set->items[i];
        }
    }

    return NULL;
}


/* Append a zeroed entry for version; NULL on allocation failure (logged). */
static wk_mig_t *
wk_mig_add(wk_mig_set_t *set, int version)
{
    wk_mig_t  *items;
    size_t     cap;

    if (set->n == set->cap) {
        cap = set->cap ? set->cap * 2 : 16;
        items = realloc(set->items, cap * sizeof(wk_mig_t));

        if (items == NULL) {
            wk_log("out of memory");
            return NULL;
        }

        set->items = items;
        set->cap = cap;
    }

    memset(&set->items[set->n], 0, sizeof(wk_mig_t));
    set->items[set->n].version = version;

    return &set->items[set->n++];
}


static int
wk_mig_cmp(const void *a, const void *b)
{
    const wk_mig_t  *x = a, *y = b;

    return (x->version > y->version) - (x->version < y->version);
}


/*
 * Split "NNNN_name.sql" into version and name.  Returns 1 for a migration
 * file name, 0 for a file that is not SQL (ignored), -1 for a .sql file whose
 * name does not follow the pattern.
 */
static int
wk_mig_parse_name(const char *file, int *version, char *name, size_t len)
{
    size_t  n = strlen(file), i;

    if (n < 4 || strcmp(file + n - 4, ".sql") != 0) {
        return 0;
    }

    if (n < 10 || n - 9 >= len || file[4] != '_') {
        return -1;
    }

    for (i = 0; i < 4; i++) {
        if (file[i] < '0' || file[i] > '9') {
            return -1;
        }
    }

    for (i = 5; i < n - 4; i++) {
        if (!((file[i] >= 'a' && file[i] <= 'z')
              || (file[i] >= '0' && file[i] <= '9') || file[i] == '_'))
        {
            return -1;
        }
    }

    *version = atoi(file);
    memcpy(name, file + 5, n - 9);
    name[n - 9] = '\0';

    return (*version > 0) ? 1 : -1;
}


/* Hex-encoded sha256 of data into out[65]. 0 or -1. */
static int
wk_mig_sha256(const char *data, size_t len, char out[65])
{
    unsigned char  md[EVP_MAX_MD_SIZE];
    unsigned int   mdlen = 0, i;

    if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1
        || mdlen != 32)
    {
        return -1;
    }

    for (i = 0; i < mdlen; i++) {
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    }

    return 0;
}


/*
 * Read dir/file into a NUL-terminated buffer (caller frees) and checksum
 * it.  Files containing NUL bytes are refused: libpq takes C strings.
 */
static char *
wk_mig_read(const char *dir, const char *file, char checksum[65])
{
    char         path[PATH_MAX];
    struct stat  st;
    FILE        *fp;
    char        *buf;
    size_t       n;

    snprintf(path, sizeof(path), "%s/%s", dir, file);

    fp = fopen(path, "rb");

    if (fp == NULL || fstat(fileno(fp), &st) != 0) {
        wk_log("cannot read %s: %s", path, strerror(errno));
        goto failed;
    }

    if (st.st_size > WK_MIG_MAX_BYTES) {
        wk_log("%s: larger than %d bytes", path, WK_MIG_MAX_BYTES);
        goto failed;
    }

    buf = malloc((size_t) st.st_size + 1);

    if (buf == NULL) {
        wk_log("out of memory reading %s", path);
        goto failed;
    }

    n = fread(buf, 1, (size_t) st.st_size, fp);
    buf[n] = '\0';
    fclose(fp);

    if (n != (size_t) st.st_size || memchr(buf, '\0', n) != NULL
        || wk_mig_sha256(buf, n, checksum) != 0)
    {
        wk_log("%s: short read, NUL byte or checksum failure", path);
        free(buf);
        return NULL;
    }

    return buf;

failed:

    if (fp != NULL) {
        fclose(fp);
    }

    return NULL;
}


/* Record one directory entry in the set.  0, or -1 (logged). */
static int
wk_mig_scan_entry(wk_mig_set_t *set, const char *file)
{
    wk_mig_t  *m;
    char       name[256];
    int        version, rc;

    rc = wk_mig_parse_name(file, &version, name, sizeof(name));

    if (rc == 0) {
        return 0;
    }

    if (rc < 0) {
        wk_log("%s/%s: migration files must be named NNNN_what_it_does.sql "
               "(lower-case letters, digits, underscores)", set->dir, file);
        return -1;
    }

    m = wk_mig_find(set, version);

    if (m != NULL) {
        wk_log("%s: %s and %s share version %04d", set->dir, m->file, file,
               version);
        return -1;
    }

    m = wk_mig_add(set, version);

    if (m == NULL) {
        return -1;
    }

    snprintf(m->file, sizeof(m->file), "%s", file);
    snprintf(m->name, sizeof(m->name), "%s", name);
    m->on_disk = 1;
    m->sql = wk_mig_read(set->dir, file, m->checksum);

    return (m->sql != NULL) ? 0 : -1;
}


/* Read every migration file of set->dir.  0, or -1 (logged). */
static int
wk_mig_scan(wk_mig_set_t *set)
{
    DIR            *d;
    struct dirent  *de;
    int             rc = 0;

    d = opendir(set->dir);

    if (d == NULL) {
        wk_log("cannot open migrations directory %s: %s (set migrations_dir "
               "in the settings file, or run from the repository root)",
               set->dir, strerror(errno));
        return -1;
    }

    while (rc == 0 && (de = readdir(d)) != NULL) {
        if (de->d_name[0] != '.') {
            rc = wk_mig_scan_entry(set, de->d_name);
        }
    }

    closedir(d);

    if (rc == 0 && set->n == 0) {
        wk_log("no migrations found in %s", set->dir);
        rc = -1;
    }

    qsort(set->items, set->n, sizeof(wk_mig_t), wk_mig_cmp);

    return rc;
}


/*
 * Merge schema_migrations into the set: mark applied files and add entries
 * for applied versions whose file is gone.  The table must exist.
 * 0, or -1 (logged).
 */
static int
wk_mig_load_applied(PGconn *conn, wk_mig_set_t *set)
{
    PGresult  *res;
    wk_mig_t  *m;
    int        i, rc = 0;

    res = wk_pg_exec(conn,
        "select version, name, checksum,"
        "       to_char(applied_at at time zone 'UTC',"
        "               'YYYY-MM-DD HH24:MI:SS\"Z\"')"
        "  from schema_migrations"
        " order by version",
        "reading schema_migrations");

    if (res == NULL) {
        return -1;
    }

    for (i = 0; rc == 0 && i < PQntuples(res); i++) {
        m = wk_mig_find(set, atoi(PQgetvalue(res, i, 0)));

        if (m == NULL) {
            m = wk_mig_add(set, atoi(PQgetvalue(res, i, 0)));
            rc = (m == NULL) ? -1 : 0;
        }

        if (m != NULL) {
            m->applied = 1;
            snprintf(m->applied_name, sizeof(m->applied_name), "%s",
                     PQgetvalue(res, i, 1));
            snprintf(m->applied_checksum, sizeof(m->applied_checksum), "%s",
                     PQgetvalue(res, i, 2));
            snprintf(m->applied_at, sizeof(m->applied_at), "%s",
                     PQgetvalue(res, i, 3));
        }
    }

    PQclear(res);
    qsort(set->items, set->n, sizeof(wk_mig_t), wk_mig_cmp);

    return rc;
}


/* Does schema_migrations exist?  1, 0, or -1 (logged). */
static int
wk_mig_table_exists(PGconn *conn)
{
    PGresult  *res;
    int        exists;

    res = wk_pg_exec(conn,
        "select to_regclass('schema_migrations') is not null",
        "looking for schema_migrations");

    if (res == NULL) {
        return -1;
    }

    exists = (strcmp(PQgetvalue(res, 0, 0), "t") == 0);
    PQclear(res);

    return exists;
}


/*
 * The state of one entry as a word for --status; NULL when it is
 * consistent and applied or pending.
 */
static const char *
wk_mig_problem(const wk_mig_t *m, int max_applied)
{
    if (m->applied && !m->on_disk) {
        return "MISSING";
    }

    if (m->applied && strcmp(m->applied_name, m->name) != 0) {
        return "RENAMED";
    }

    if (m->applied && strcmp(m->applied_checksum, m->checksum) != 0) {
        return "CHANGED";
    }

    if (!m->applied && m->version < max_applied) {
        return "OUT-OF-ORDER";
    }

    return NULL;
}


static int
wk_mig_max_applied(const wk_mig_set_t *set)
{
    int     max = 0;
    size_t  i;

    for (i = 0; i < set->n; i++) {
        if (set->items[i].applied && set->items[i].version > max) {
            max = set->items[i].version;
        }
    }

    return max;
}


/* Log why one inconsistent entry blocks migrating. */
static void
wk_mig_explain(const wk_mig_set_t *set, const wk_mig_t *m, const char *what)
{
    if (strcmp(what, "MISSING") == 0) {
        wk_log("migration %04d_%s.sql was applied but is missing from %s",
               m->version, m->applied_name, set->dir);

    } else if (strcmp(what, "RENAMED") == 0) {
        wk_log("%s/%s: version %04d was applied as %04d_%s.sql; "
               "applied migrations must not be renamed", set->dir, m->file,
               m->version, m->version, m->applied_name);

    } else if (strcmp(what, "CHANGED") == 0) {
        wk_log("%s/%s was changed after it was applied (sha256 applied %s, "
               "now %s); add a new migration instead of editing an applied "
               "one", set->dir, m->file, m->applied_checksum, m->checksum);

    } else {
        wk_log("%s/%s is pending but a later version is already applied; "
               "renumber it after %04d", set->dir, m->file,
               wk_mig_max_applied(set));
    }
}


/* Check history against files; returns the number of problems (logged). */
static int
wk_mig_verify(const wk_mig_set_t *set)
{
    const char  *what;
    int          max = wk_mig_max_applied(set), bad = 0;
    size_t       i;

    for (i = 0; i < set->n; i++) {
        what = wk_mig_problem(&set->items[i], max);

        if (what != NULL) {
            wk_mig_explain(set, &set->items[i], what);
            bad++;
        }
    }

    return bad;
}


/* Record m in schema_migrations (inside the open transaction). */
static int
wk_mig_record(PGconn *conn, const wk_mig_t *m)
{
    const char  *params[3];
    char         version[16];
    PGresult    *res;
    int          rc;

    snprintf(version, sizeof(version), "%d", m->version);
    params[0] = version;
    params[1] = m->name;
    params[2] = m->checksum;

    res = PQexecParams(conn,
        "insert into schema_migrations (version, name, checksum)"
        " values ($1, $2, $3)", 3, NULL, params, NULL, NULL, 0);

    rc = (PQresultStatus(res) == PGRES_COMMAND_OK) ? 0 : -1;

    if (rc != 0) {
        wk_log("recording %s: %s", m->file,
               PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
    }

    PQclear(res);
    return rc;
}


/*
 * Apply one pending migration and its schema_migrations row in a single
 * transaction.  On failure everything is rolled back.  0, or -1 (logged).
 */
static int
wk_mig_apply(PGconn *conn, const wk_mig_set_t *set, const wk_mig_t *m)
{
    PGresult        *res;
    ExecStatusType   st;
    char             path[PATH_MAX];
    long long        t0 = wk_now_ms();

    if (wk_pg_run(conn, "begin", "begin") != 0) {
        return -1;
    }

    res = PQexec(conn, m->sql);
    st = PQresultStatus(res);

    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK
        && st != PGRES_EMPTY_QUERY)
    {
        snprintf(path, sizeof(path), "%s/%s", set->dir, m->file);
        wk_pg_report(conn, res, path, m->sql);
        PQclear(res);
        goto failed;
    }

    PQclear(res);

    if (PQtransactionStatus(conn) != PQTRANS_INTRANS) {
        wk_log("%s/%s ended the migration's transaction itself; remove its "
               "BEGIN/COMMIT/ROLLBACK; it is not recorded as applied and "
               "what it committed stays committed", set->dir, m->file);
        return -1;
    }

    if (wk_mig_record(conn, m) != 0
        || wk_pg_run(conn, "commit", "commit") != 0)
    {
        goto failed;
    }

    wk_log("applied %s (%lld ms)", m->file, wk_now_ms() - t0);
    return 0;

failed:

    if (PQtransactionStatus(conn) != PQTRANS_IDLE) {
        wk_pg_run(conn, "rollback", "rollback");
    }

    wk_log("migration %s rolled back; nothing from it was applied", m->file);
    return -1;
}


/* Take the migration advisory lock, saying so when we have to wait. */
static int
wk_mig_lock(PGconn *conn)
{
    char       sql[96];
    PGresult  *res;
    int        got;

    snprintf(sql, sizeof(sql), "select pg_try_advisory_lock(%lld)",
             WK_LOCK_MIGRATE);
    res = wk_pg_exec(conn, sql, "taking the migration lock");

    if (res == NULL) {
        return -1;
    }

    got = (strcmp(PQgetvalue(res, 0, 0), "t") == 0);
    PQclear(res);

    if (got) {
        return 0;
    }

    wk_log("another migrator holds the migration lock; waiting for it");

    snprintf(sql, sizeof(sql), "select pg_advisory_lock(%lld)",
             WK_LOCK_MIGRATE);

    return wk_pg_run(conn, sql, "waiting for the migration lock");
}


/* Apply every pending migration of the (verified) set, in order. */
static int
wk_mig_apply_pending(PGconn *conn, const wk_mig_set_t *set)
{
    size_t  i;
    int     applied = 0;

    for (i = 0; i < set->n; i++) {
        if (set->items[i].applied) {
            continue;
        }

        if (wk_mig_apply(conn, set, &set->items[i]) != 0) {
            return -1;
        }

        applied++;
    }

    if (applied == 0) {
        wk_log("database is up to date (%zu migration%s applied)", set->n,
               set->n == 1 ? "" : "s");
    } else {
        wk_log("applied %d migration%s", applied, applied == 1 ? "" : "s");
    }

    return 0;
}


/* Connect for a migrate command and say where we are. */
static PGconn *
wk_mig_connect(const wk_config_t *cfg, const char *what)
{
    PGconn  *conn;
    char     desc[512];

    conn = wk_pg_connect(cfg->db, what, NULL, 10, NULL, 0);

    if (conn == NULL) {
        return NULL;
    }

    if (wk_pg_run(conn, "set client_min_messages = warning", what) != 0) {
        PQfinish(conn);
        return NULL;
    }

    wk_log("%s: %s", what, wk_pg_describe(conn, desc, sizeof(desc)));

    return conn;
}


int
wk_migrate(const wk_config_t *cfg)
{
    wk_mig_set_t  set = { cfg->migrations_dir, NULL, 0, 0 };
    PGconn       *conn = NULL;
    int           rc = WK_EXIT_FAIL;

    if (wk_config_require_db(cfg) != 0 || wk_mig_scan(&set) != 0) {
        goto done;
    }

    conn = wk_mig_connect(cfg, "migrate");

    if (conn == NULL
        || wk_mig_lock(conn) != 0
        || wk_pg_run(conn, wk_mig_create_table, "creating schema_migrations")
           != 0
        || wk_mig_load_applied(conn, &set) != 0)
    {
        goto done;
    }

    if (wk_mig_verify(&set) != 0) {
        wk_log("refusing to migrate: the migration history does not match %s",
               set.dir);
        goto done;
    }

    if (wk_mig_apply_pending(conn, &set) == 0) {
        rc = WK_EXIT_OK;
    }

done:

    PQfinish(conn);     /* also releases the advisory lock */
    wk_mig_set_free(&set);

    return rc;
}


/* Print the --status table to stdout. */
static void
wk_mig_print(const wk_mig_set_t *set)
{
    const wk_mig_t  *m;
    const char      *state;
    int              max = wk_mig_max_applied(set);
    size_t           i;

    printf("%-7s  %-32s  %-12s  %-20s  %s\n", "version", "name", "state",
           "applied at", "sha256");

    for (i = 0; i < set->n; i++) {
        m = &set->items[i];
        state = wk_mig_problem(m, max);

        if (state == NULL) {
            state = m->applied ? "applied" : "pending";
        }

        printf("%04d     %-32s  %-12s  %-20s  %.12s\n", m->version,
               m->on_disk ? m->name : m->applied_name, state,
               m->applied ? m->applied_at : "-",
               m->on_disk ? m->checksum : m->applied_checksum);
    }
}


int
wk_migrate_status(const wk_config_t *cfg)
{
    wk_mig_set_t  set = { cfg->migrations_dir, NULL, 0, 0 };
    PGconn       *conn = NULL;
    int           rc = WK_EXIT_FAIL, exists;

    if (wk_config_require_db(cfg) != 0 || wk_mig_scan(&set) != 0) {
        goto done;
    }

    conn = wk_mig_connect(cfg, "migrate --status");

    if (conn == NULL) {
        goto done;
    }

    exists = wk_mig_table_exists(conn);

    if (exists < 0 || (exists && wk_mig_load_applied(conn, &set) != 0)) {
        goto done;
    }

    wk_mig_print(&set);
    rc = (wk_mig_verify(&set) == 0) ? WK_EXIT_OK : WK_EXIT_FAIL;

done:

    PQfinish(conn);
    wk_mig_set_free(&set);

    return rc;
}
