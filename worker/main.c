/*
 * main.c — helpdesk-worker's command line.
 *
 *   helpdesk-worker migrate [--status]
 *   helpdesk-worker seed-demo
 *   helpdesk-worker run
 *   helpdesk-worker oidc-refresh
 *   helpdesk-worker user add|passwd|list ...
 *   helpdesk-worker audit verify [--from ID]
 *   helpdesk-worker sla expand | sla tick [--now T]
 *   helpdesk-worker jobs run-once
 *   helpdesk-worker version | help
 *
 * Exit codes: 0 ok, 1 failure, 2 usage (`audit verify`: 1 only for a
 * broken chain, 2 also when it could not be checked).  Settings are
 * described in wk_config.c; the commands live one per file.
 */

#include <stdio.h>
#include <string.h>

#include "wk.h"


typedef struct {
    const char  *name;
    const char  *args;              /* shown in the usage */
    int        (*run)(const wk_config_t *cfg, int argc, char **argv);
    int          no_config;         /* main() reads no settings for it */
    const char  *help;
} wk_command_t;


static int wk_cmd_migrate(const wk_config_t *cfg, int argc, char **argv);
static int wk_cmd_seed_demo(const wk_config_t *cfg, int argc, char **argv);
static int wk_cmd_run(const wk_config_t *cfg, int argc, char **argv);
static int wk_cmd_oidc_refresh(const wk_config_t *cfg, int argc,
    char **argv);
static int wk_cmd_version(const wk_config_t *cfg, int argc, char **argv);
static int wk_cmd_help(const wk_config_t *cfg, int argc, char **argv);


static const wk_command_t  wk_commands[] = {
    { "migrate", "[--status]", wk_cmd_migrate, 0,
      "apply pending migrations; --status lists them" },
    { "seed-demo", "", wk_cmd_seed_demo, 0,
      "add the demo organisation and accounts (idempotent)" },
    { "run", "", wk_cmd_run, 0,
      "run the worker until SIGTERM/SIGINT" },
    { "oidc-refresh", "", wk_cmd_oidc_refresh, 0,
      "fetch the OIDC issuer's keys into oidc_jwks_file" },
    { "user", "add|passwd|list", wk_user, 0,
      "local accounts (\"user help\" for the options)" },
    /* reads its own settings, so that their failure exits 2, not 1 */
    { "audit", "verify", wk_audit, 1,
      "check the audit log's hash chain (\"audit help\")" },
    { "sla", "expand|tick", wk_sla, 0,
      "SLA calendars and the tick (\"sla help\")" },
    /* outbound email: wk_jobs.c */
    { "jobs", "run-once", wk_jobs_command, 0,
      "auto-close, due jobs and due mail, once" },
    { "version", "", wk_cmd_version, 1,
      "print the version" },
    { "help", "", wk_cmd_help, 1,
      "print this help" },
};

#define WK_NCOMMANDS  (sizeof(wk_commands) / sizeof(wk_commands[0]))


static void
wk_usage(FILE *fp)
{
    size_t  i;

    fprintf(fp, "usage: %s <command> [arguments]\n\ncommands:\n", WK_NAME);

    for (i = 0; i < WK_NCOMMANDS; i++) {
        fprintf(fp, "  %-12s %-16s %s\n", wk_commands[i].name,
                wk_commands[i].args, wk_commands[i].help);
    }

    fprintf(fp, "\n");
    wk_user_usage(fp);
    fprintf(fp, "\n");
    wk_audit_usage(fp);
    fprintf(fp, "\n");
    wk_sla_usage(fp);

    fprintf(fp,
        "\nsettings (file lines `key = value`; the environment wins):\n"
        "  HELPDESK_CONF   settings file (default var/helpdesk.conf)\n"
        "  db                    libpq conninfo (env HELPDESK_DB)\n"
        "  migrations_dir        default \"migrations\"\n"
        "  oidc_issuer           OIDC issuer URL; empty: OIDC off\n"
        "                        (env HELPDESK_OIDC_ISSUER)\n"
        "  oidc_jwks_file        where the issuer's keys are written\n"
        "                        (env HELPDESK_OIDC_JWKS_FILE)\n"
        "  oidc_refresh_seconds  how often `run` refreshes them "
        "(default %d)\n"
        "  smtp_url, smtp_starttls, smtp_user, smtp_password, smtp_bearer,\n"
        "  mail_from, mail_reply_to, org_name, org_color, public_url,\n"
        "  auto_close_days, mail_retry_seconds, mail_max_attempts\n"
        "                        outbound email (README, \"Email out\")\n"
        "\nexit codes: 0 ok, 1 failure, 2 usage (audit verify: above)\n",
        WK_OIDC_REFRESH_DEFAULT);
}


/* Fail with a usage error when a command that takes none got arguments. */
static int
wk_no_args(const char *cmd, int argc, char **argv)
{
    if (argc == 0) {
        return 0;
    }

    fprintf(stderr, "%s: %s: unexpected argument \"%s\" (see \"%s help\")\n",
            WK_NAME, cmd, argv[0], WK_NAME);
    return -1;
}


static int
wk_cmd_migrate(const wk_config_t *cfg, int argc, char **argv)
{
    if (argc == 1 && strcmp(argv[0], "--status") == 0) {
        return wk_migrate_status(cfg);
    }

    if (wk_no_args("migrate", argc, argv) != 0) {
        return WK_EXIT_USAGE;
    }

    return wk_migrate(cfg);
}


static int
wk_cmd_seed_demo(const wk_config_t *cfg, int argc, char **argv)
{
    return wk_no_args("seed-demo", argc, argv) != 0 ? WK_EXIT_USAGE
                                                   : wk_seed_demo(cfg);
}


static int
wk_cmd_run(const wk_config_t *cfg, int argc, char **argv)
{
    return wk_no_args("run", argc, argv) != 0 ? WK_EXIT_USAGE : wk_run(cfg);
}


static int
wk_cmd_oidc_refresh(const wk_config_t *cfg, int argc, char **argv)
{
    return wk_no_args("oidc-refresh", argc, argv) != 0
           ? WK_EXIT_USAGE : wk_oidc_refresh_command(cfg);
}


static int
wk_cmd_version(const wk_config_t *cfg, int argc, char **argv)
{
    int  v = PQlibVersion();

    (void) cfg;

    if (wk_no_args("version", argc, argv) != 0) {
        return WK_EXIT_USAGE;
    }

    printf("%s %s (libpq %d.%d)\n", WK_NAME, HD_VERSION, v / 10000,
           v % 10000);
    return WK_EXIT_OK;
}


static int
wk_cmd_help(const wk_config_t *cfg, int argc, char **argv)
{
    (void) cfg;
    (void) argc;
    (void) argv;

    wk_usage(stdout);
    return WK_EXIT_OK;
}


/* Map the --help/-h/--version spellings onto their commands. */
static const char *
wk_alias(const char *arg)
{
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
        return "help";
    }

    if (strcmp(arg, "--version") == 0) {
        return "version";
    }

    return arg;
}


int
main(int argc, char **argv)
{
    const wk_command_t  *c = NULL;
    const char          *name;
    wk_config_t          cfg;
    size_t               i;
    int                  rc;

    if (argc < 2) {
        wk_usage(stderr);
        return WK_EXIT_USAGE;
    }

    name = wk_alias(argv[1]);

    for (i = 0; i < WK_NCOMMANDS; i++) {
        if (strcmp(name, wk_commands[i].name) == 0) {
            c = &wk_commands[i];
            break;
        }
    }

    if (c == NULL) {
        fprintf(stderr, "%s: unknown command \"%s\"\n", WK_NAME, argv[1]);
        wk_usage(stderr);
        return WK_EXIT_USAGE;
    }

    /* `user help`, `user --help`: no settings needed */
    if (c->run == wk_user && argc == 3
        && strcmp(wk_alias(argv[2]), "help") == 0)
    {
        wk_user_usage(stdout);
        return WK_EXIT_OK;
    }

    if (c->no_config) {
        return c->run(NULL, argc - 2, argv + 2);
    }

    if (wk_config_load(&cfg) != 0) {
        return WK_EXIT_FAIL;
    }

    rc = c->run(&cfg, argc - 2, argv + 2);
    fflush(stdout);

    return rc;
}
