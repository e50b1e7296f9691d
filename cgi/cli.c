/* cli: the `forkcast` command: global options, help, and the commands without a family of their
 * own (migrate, import-uci, user make-admin, lighttpd-conf, config, routes); the families
 * (backup, ec2, ...) live beside their modules. */
#include "auth/password.h"
#include "core/config.h"
#include "core/map.h"
#include "core/route.h"
#include "core/util.h"
#include "import/uci.h"
#include "store/store.h"

#include <limits.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fc_auth_scrypt_params(HDF *cfg, struct fc_scrypt_params *p);
int fc_rec_cli(int argc, char **argv);
int fc_backup_cli(HDF *cfg, int argc, char **argv);
int fc_worker_cli(HDF *cfg, int argc, char **argv);
int fc_ec2_cli(HDF *cfg, int argc, char **argv);
int fc_dynamodb_cli(HDF *cfg, int argc, char **argv);
int fc_personalize_cli(HDF *cfg, int argc, char **argv);
int fc_blob_cli(HDF *cfg, int argc, char **argv);
int fc_release_cli(HDF *cfg, int argc, char **argv);

/* Subcommands that live beside their modules; each gets the loaded configuration and its
 * own argv (argv[0] is the subcommand's name). */
static const struct {
    const char *name;
    int (*fn)(HDF *cfg, int argc, char **argv);
} modules[] = {
    {"backup", fc_backup_cli},     {"worker", fc_worker_cli},           {"ec2", fc_ec2_cli},
    {"dynamodb", fc_dynamodb_cli}, {"personalize", fc_personalize_cli}, {"blob", fc_blob_cli},
    {"release", fc_release_cli},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: forkcast [--config FILE] COMMAND [ARGS]\n"
               "       forkcast help [COMMAND]\n"
               "commands:\n"
               "  migrate                 create or upgrade the database\n"
               "  import-uci [--if-empty] [DIR]\n"
               "                          import the UCI restaurant data set (idempotent);\n"
               "                          --if-empty: not when the store holds it already\n"
               "  user make-admin NAME    give NAME the admin role\n"
               "  lighttpd-conf           print lighttpd's configuration for this config\n"
               "  config KEY              print a configuration value\n"
               "  routes                  print the route table (method, pattern, auth, csrf)\n"
               "  secret new              print a new site key for Server.Secret\n"
               "  rec eval|top|bench ...  recommender evaluation and benchmarks (see docs)\n"
               "  backup ...              S3 backups: init, run, list, restore, verify, prune\n"
               "  worker                  run background jobs (started by make run)\n"
               "  ec2 ...                 EC2 instances: list, launch, watch, stop, terminate\n"
               "  dynamodb ...            DynamoDB tables and store copies\n"
               "  personalize ...         Amazon Personalize: export, resend, recommend\n"
               "  blob list|copy ...      review photos: list them, copy local <-> s3\n"
               "  release upload|user-data  app hosts on EC2: the package, their cloud-init\n"
               "The options of a command family may come before or after its subcommand\n"
               "(forkcast backup --bucket B list = forkcast backup list --bucket B).\n"
               "configuration: --config FILE, else $FORKCAST_CONFIG, else ./conf/forkcast.hdf,\n"
               "else PREFIX/etc/forkcast/forkcast.hdf beside the program, else\n"
               "/etc/forkcast/forkcast.hdf; any key KEY.NAME is overridden by $FORKCAST_KEY_NAME.\n"
               "exit status: 0 done, 1 failed (the message says why), 2 usage error;\n"
               "a command family's help lists its own (forkcast help backup).\n");
}

/* One line of help for the commands that have no family of their own. */
static const struct {
    const char *name, *help;
} builtins[] = {
    {"migrate", "usage: forkcast migrate\ncreates or upgrades the database (Store.*). Exit: 0 "
                "done, 1 failed.\n"},
    {"import-uci", "usage: forkcast import-uci [--if-empty] [DIR]\nimports the UCI restaurant "
                   "data set from DIR (default Demo.DataDir); running it twice changes nothing;\n"
                   "--if-empty: nothing when the store holds it already.\nExit: 0 done, 1 failed "
                   "(the message says what was written), 2 usage error.\n"},
    {"user", "usage: forkcast user make-admin NAME\ngives the account NAME the admin role.\n"
             "Exit: 0 done, 1 failed (no such user), 2 usage error.\n"},
    {"lighttpd-conf", "usage: forkcast lighttpd-conf\nprints lighttpd's configuration, rendered "
                      "from conf/lighttpd.conf.cs under Root.\nExit: 0 done, 1 failed.\n"},
    {"config", "usage: forkcast config KEY\nprints a configuration value after the "
               "FORKCAST_* overrides (Root and ConfigFile too).\nExit: 0 done, 1 no such key, 2 "
               "usage error.\n"},
    {"secret", "usage: forkcast secret new\nprints a new site key (64 hex digits) for "
               "Server.Secret or Server.SecretFile;\nevery app host of one site needs the same "
               "one (docs/deploy.md says how to rotate it).\nExit: 0 done, 2 usage error.\n"},
    {"routes", "usage: forkcast routes\nprints the route table: method, pattern, group, auth, "
               "CSRF scheme.\nExit: 0 done.\n"},
};

/* `forkcast help [COMMAND]` and `forkcast COMMAND --help`: no configuration needed. */
static int help(const char *cmd)
{
    char name[32], flag[] = "help"; /* every family takes `FAMILY help` */
    char *av[] = {name, flag, NULL};

    if (!cmd) {
        usage(stdout);
        return 0;
    }
    for (size_t b = 0; b < FC_ARRAY_LEN(builtins); b++)
        if (strcmp(cmd, builtins[b].name) == 0) {
            fputs(builtins[b].help, stdout);
            return 0;
        }
    fc_strlcpy(name, cmd, sizeof name);
    if (strcmp(cmd, "rec") == 0)
        return fc_rec_cli(2, av);
    for (size_t m = 0; m < FC_ARRAY_LEN(modules); m++)
        if (strcmp(cmd, modules[m].name) == 0)
            return modules[m].fn(NULL, 2, av);
    fprintf(stderr, "forkcast: no command '%s'\n", cmd);
    usage(stderr);
    return 2;
}

/* forkcast secret new: 32 random bytes as 64 hex digits, for Server.Secret or the file named
 * by Server.SecretFile (every app host of one site uses the same). */
static int secret_new(int argc, char **argv)
{
    unsigned char key[32];
    char hex[65];
    if (argc != 2 || strcmp(argv[1], "new") != 0) {
        fprintf(stderr, "forkcast: usage: forkcast secret new\n");
        return 2;
    }
    if (fc_random(key, sizeof key)) {
        fprintf(stderr, "forkcast: secret new: no random bytes from the system\n");
        return 1;
    }
    fc_hex(hex, key, sizeof key);
    printf("%s\n", hex);
    OPENSSL_cleanse(key, sizeof key);
    OPENSSL_cleanse(hex, sizeof hex);
    return 0;
}

static void print_counts(FILE *f, const struct fc_uci_counts *k)
{
    fprintf(f,
            "%d restaurants, %d new users (%d already there), %d new reviews (%d already there), "
            "%d new demo friendships (%d already there)",
            k->restaurants, k->users_new, k->users_existing, k->reviews_new, k->reviews_existing,
            k->friendships_new, k->friendships_existing);
}

/* forkcast import-uci [--if-empty] [DIR]: the demo data. A failure says what was written:
 * nothing on SQLite (one transaction), on DynamoDB what the counts say (and a second run
 * completes the import). */
static int import_uci(HDF *cfg, struct fc_store *store, int argc, char **argv)
{
    char dir[PATH_MAX];
    struct fc_uci_counts k;
    struct fc_scrypt_params prm, demo;
    int if_empty = 0, i = 1;

    if (i < argc && strcmp(argv[i], "--if-empty") == 0) {
        if_empty = 1;
        i++;
    }
    if (i + 1 < argc || (i < argc && argv[i][0] == '-')) {
        fprintf(stderr, "forkcast: usage: forkcast import-uci [--if-empty] [DIR]\n");
        return 2;
    }
    if (i < argc)
        fc_strlcpy(dir, argv[i], sizeof dir);
    else if (fc_config_path(cfg, "Demo.DataDir", "data/uci-restaurant-consumer", dir, sizeof dir))
        return 1;
    if (if_empty) {
        int present = 0;
        if (fc_uci_present(store, dir, &present)) {
            fprintf(stderr, "forkcast: cannot tell whether the store holds the demo data\n");
            return 1;
        }
        if (present) {
            printf("the store already holds the demo data (the admin and the data set's users "
                   "are there); not importing it again\n");
            return 0;
        }
    }
    fc_auth_scrypt_params(cfg, &prm);
    fc_uci_demo_params(&prm, &demo);
    if (fc_uci_import(store, dir, fc_config_str(cfg, "Demo.Password", "forkcast-demo"), &prm, &demo,
                      &k)) {
        if (k.undone) {
            fprintf(stderr, "forkcast: import from %s failed while %s; nothing was changed\n", dir,
                    k.failed);
        } else if (!k.restaurants && !k.users_new && !k.reviews_new && !k.friendships_new) {
            fprintf(stderr, "forkcast: import from %s failed while %s; nothing was written\n", dir,
                    k.failed);
        } else {
            fprintf(stderr,
                    "forkcast: import from %s failed while %s. The %s store has no transaction "
                    "around the import: what was written before the failure stays: ",
                    dir, k.failed, store->ops->name);
            print_counts(stderr, &k);
            fprintf(stderr, ". Run the same import again to complete it (it skips what is "
                            "there).\n");
        }
        return 1;
    }
    printf("imported from %s: ", dir);
    print_counts(stdout, &k);
    printf("\n");
    return 0;
}

static NEOERR *conf_out(void *ctx, char *s)
{
    fputs(s, (FILE *)ctx);
    return STATUS_OK;
}

/* Renders conf/lighttpd.conf.cs with the configuration (not HTML: no escaping). */
static int lighttpd_conf(HDF *cfg)
{
    CSPARSE *cs = NULL;
    NEOERR *err;
    char path[PATH_MAX];
    int rc = FC_ERR;
    char run[PATH_MAX], bin[PATH_MAX];
    if (fc_config_path(cfg, "Root", ".", path, sizeof path) ||
        fc_config_path(cfg, "Data.Dir", "var", run, sizeof run - 8) ||
        fc_config_path(cfg, "Server.FcgiBin", "build/forkcast.fcgi", bin, sizeof bin))
        return FC_ERR;
    strcat(run, "/run");
    {
        /* the configuration's relative paths (../../libexec/...) as the files' own names */
        char canon[PATH_MAX];
        if (realpath(bin, canon))
            fc_strlcpy(bin, canon, sizeof bin);
        if (realpath(run, canon))
            fc_strlcpy(run, canon, sizeof run);
    }
    fc_map_config(cfg); /* Map.TileOrigin for the CSP of static files */
    err = hdf_set_value(cfg, "hdf.loadpaths.0", path);
    if (!err)
        err = hdf_set_value(cfg, "Run.Dir", run);
    if (!err)
        err = hdf_set_value(cfg, "Run.FcgiBin", bin);
    if (!err)
        err = hdf_set_int_value(cfg, "Server.MaxRequestKB",
                                fc_config_int(cfg, "Limits.MaxBody", 8 << 20) / 1024 * 2 + 1024);
    if (!err)
        err = cs_init(&cs, cfg);
    if (!err)
        err = cs_parse_file(cs, "conf/lighttpd.conf.cs");
    if (!err)
        err = cs_render(cs, stdout, conf_out);
    if (err) {
        nerr_log_error(err);
        nerr_ignore(&err);
    } else {
        rc = FC_OK;
    }
    cs_destroy(&cs);
    return rc;
}

/* Prints every route, one per line, tab-separated: method, pattern, group, auth requirement
 * (none, login, admin) and CSRF scheme (form: the form's csrf field is checked before the
 * handler; bearer: cookies do not authenticate, only an Authorization bearer token does). */
static int print_routes(void)
{
    for (size_t g = 0; fc_route_groups[g]; g++)
        for (size_t i = 0; i < fc_route_groups[g]->n; i++) {
            const struct fc_route *r = &fc_route_groups[g]->routes[i];
            const char *auth = r->flags & FC_ROUTE_ADMIN   ? "admin"
                               : r->flags & FC_ROUTE_LOGIN ? "login"
                                                           : "none";
            const char *csrf = strcmp(r->method, "GET") == 0 ? "-"
                               : r->flags & FC_ROUTE_NOCSRF  ? "bearer"
                                                             : "form";
            printf("%s\t%s\t%s\t%s\t%s\n", r->method, r->pattern, fc_route_group_names[g], auth,
                   csrf);
        }
    return fflush(stdout) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    HDF *cfg = NULL;
    NEOERR *err;
    struct fc_store *store = NULL;
    const char *config = NULL;
    int rc = 1, i = 1;

    /* global options come before the command */
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            config = argv[++i];
        } else if (strncmp(argv[i], "--config=", 9) == 0 && argv[i][9]) {
            config = argv[i] + 9;
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            return help(NULL);
        } else {
            fprintf(stderr, "forkcast: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[i], "help") == 0)
        return help(i + 1 < argc ? argv[i + 1] : NULL);
    if (i + 1 < argc && strcmp(argv[i + 1], "help") == 0)
        return help(argv[i]);
    for (int k = i + 1; k < argc && strcmp(argv[k], "--"); k++)
        if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0)
            return help(argv[i]);
    if (strcmp(argv[i], "routes") == 0)
        return print_routes();
    if (strcmp(argv[i], "secret") == 0)
        return secret_new(argc - i, argv + i);
    /* recommender tools work from files alone, without the configuration */
    if (strcmp(argv[i], "rec") == 0)
        return fc_rec_cli(argc - i, argv + i);
    err = fc_config_load(&cfg, config);
    if (err) {
        /* the message alone: nerr_error_string would prefix "Unknown Error" */
        fprintf(stderr, "forkcast: %s\n", err->desc[0] ? err->desc : "cannot load configuration");
        nerr_ignore(&err);
        return 1;
    }
    for (size_t m = 0; m < FC_ARRAY_LEN(modules); m++)
        if (strcmp(argv[i], modules[m].name) == 0) {
            rc = modules[m].fn(cfg, argc - i, argv + i);
            goto out;
        }
    if (strcmp(argv[i], "lighttpd-conf") == 0) {
        rc = lighttpd_conf(cfg) ? 1 : 0;
        goto out;
    }
    if (strcmp(argv[i], "config") == 0 && i + 1 < argc) {
        const char *v = hdf_get_value(cfg, argv[i + 1], NULL);
        if (!v) {
            fprintf(stderr, "forkcast: no configuration key %s\n", argv[i + 1]);
            goto out;
        }
        printf("%s\n", v);
        rc = 0;
        goto out;
    }
    if (strcmp(argv[i], "migrate") && strcmp(argv[i], "import-uci") && strcmp(argv[i], "user")) {
        fprintf(stderr, "forkcast: unknown command '%s'\n", argv[i]);
        usage(stderr);
        rc = 2;
        goto out;
    }
    if (fc_store_open(cfg, &store)) {
        fprintf(stderr, "forkcast: cannot open the store\n");
        goto out;
    }
    if (strcmp(argv[i], "migrate") == 0) {
        printf("database is up to date\n");
        rc = 0;
    } else if (strcmp(argv[i], "import-uci") == 0) {
        rc = import_uci(cfg, store, argc - i, argv + i);
    } else if (strcmp(argv[i], "user") == 0) {
        struct fc_user u;
        if (i + 2 >= argc || strcmp(argv[i + 1], "make-admin") != 0) {
            fprintf(stderr, "forkcast: usage: forkcast user make-admin NAME\n");
            rc = 2;
            goto out;
        }
        if (store->ops->user_by_name(store, argv[i + 2], &u) != FC_OK) {
            fprintf(stderr, "forkcast: no user named '%s'\n", argv[i + 2]);
            goto out;
        }
        fc_user_clear(&u); /* its id and name are what counts */
        if (store->ops->user_set_flags(store, u.id, 1, u.disabled))
            goto out;
        printf("%s is now an admin\n", u.username);
        rc = 0;
    }
out:
    fc_store_close(store);
    hdf_destroy(&cfg);
    return rc;
}
