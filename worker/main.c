/*
 * main.c — helpdesk-worker's command line.
 *
 *   helpdesk-worker migrate [--status]
 *   helpdesk-worker seed-demo
 *   helpdesk-worker run
 *   helpdesk-worker version | help
 *
 * Exit codes: 0 ok, 1 failure, 2 usage.  Settings are described in
 * wk_config.c; the commands live one per file.
 */

#include <stdio.h>
#include <string.h>

#include "wk.h"


typedef struct {
    const char  *name;
    const char  *flag;              /* the one optional flag, or NULL */
    int        (*run)(const wk_config_t *cfg);
    int        (*run_flag)(const wk_config_t *cfg);
    const char  *help;
} wk_command_t;


static int wk_version(const wk_config_t *cfg);
static int wk_help(const wk_config_t *cfg);


static const wk_command_t  wk_commands[] = {
    { "migrate", "--status", wk_migrate, wk_migrate_status,
      "apply pending migrations; --status lists them" },
    { "seed-demo", NULL, wk_seed_demo, NULL,
      "add the demo organisation and accounts (idempotent)" },
    { "run", NULL, wk_run, NULL,
      "run the worker until SIGTERM/SIGINT" },
    { "version", NULL, wk_version, NULL,
      "print the version" },
    { "help", NULL, wk_help, NULL,
      "print this help" },
};

#define WK_NCOMMANDS  (sizeof(wk_commands) / sizeof(wk_commands[0]))


static void
wk_usage(FILE *fp)
{
    size_t  i;

    fprintf(fp, "usage: %s <command>\n\ncommands:\n", WK_NAME);

    for (i = 0; i < WK_NCOMMANDS; i++) {
        fprintf(fp, "  %-10s %-9s %s\n", wk_commands[i].name,
                wk_commands[i].flag ? wk_commands[i].flag : "",
                wk_commands[i].help);
    }

    fprintf(fp,
        "\nsettings:\n"
        "  HELPDESK_DB     libpq conninfo; overrides `db` from the file\n"
        "  HELPDESK_CONF   settings file (default var/helpdesk.conf),\n"
        "                  lines `key = value`: db, migrations_dir\n"
        "                  (default \"migrations\")\n"
        "\nexit codes: 0 ok, 1 failure, 2 usage\n");
}


static int
wk_version(const wk_config_t *cfg)
{
    int  v = PQlibVersion();

    (void) cfg;
    printf("%s %s (libpq %d.%d)\n", WK_NAME, HD_VERSION, v / 10000,
           v % 10000);
    return WK_EXIT_OK;
}


static int
wk_help(const wk_config_t *cfg)
{
    (void) cfg;
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


/*
 * Find the command named cmd and pick its plain or flagged entry point
 * (flag is argv[2] or NULL).  Returns NULL after printing why.
 */
static int (*
wk_pick(const char *cmd, const char *flag))(const wk_config_t *)
{
    const wk_command_t  *c;
    size_t               i;

    for (i = 0; i < WK_NCOMMANDS; i++) {
        c = &wk_commands[i];

        if (strcmp(cmd, c->name) != 0) {
            continue;
        }

        if (flag == NULL) {
            return c->run;
        }

        if (c->flag != NULL && strcmp(flag, c->flag) == 0) {
            return c->run_flag;
        }

        fprintf(stderr, "%s: %s: unexpected argument \"%s\"\n", WK_NAME,
                c->name, flag);
        return NULL;
    }

    fprintf(stderr, "%s: unknown command \"%s\"\n", WK_NAME, cmd);
    return NULL;
}


int
main(int argc, char **argv)
{
    int          (*run)(const wk_config_t *);
    wk_config_t  cfg;

    if (argc < 2 || argc > 3) {
        wk_usage(stderr);
        return WK_EXIT_USAGE;
    }

    run = wk_pick(wk_alias(argv[1]), argc == 3 ? argv[2] : NULL);

    if (run == NULL) {
        wk_usage(stderr);
        return WK_EXIT_USAGE;
    }

    if (run == wk_version || run == wk_help) {
        return run(NULL);
    }

    if (wk_config_load(&cfg) != 0) {
        return WK_EXIT_FAIL;
    }

    return run(&cfg);
}
