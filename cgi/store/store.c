/* store: picks the backend named in the configuration. */
#include "store/store.h"
#include "core/config.h"
#include "core/util.h"
#include "store/dynamodb.h"
#include "store/sqlite.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int fc_store_open(HDF *cfg, struct fc_store **out)
{
    const char *backend = fc_config_str(cfg, "Store.Backend", "sqlite");
    char path[PATH_MAX], sql[PATH_MAX], dir[PATH_MAX];

    if (strcmp(backend, "sqlite") == 0) {
        if (fc_config_data_path(cfg, "Store.SQLite.Path", "forkcast.db", path, sizeof path) ||
            fc_config_path(cfg, "Sql.Dir", "sql", sql, sizeof sql))
            return FC_ERR;
        if (fc_config_path(cfg, "Data.Dir", "var", dir, sizeof dir) == FC_OK)
            mkdir(dir, 0700);
        if (fc_sqlite_open(path, sql, out))
            return FC_ERR;
        /* Store.SQLite.ReadOnly = 1 (maintenance, a copy on read-only storage): every write
         * fails with SQLITE_READONLY and pages say the site is read-only; reads work */
        if (fc_config_int(cfg, "Store.SQLite.ReadOnly", 0) &&
            fc_sqlite_exec(*out, "PRAGMA query_only = 1")) {
            fc_store_close(*out);
            *out = NULL;
            return FC_ERR;
        }
        return FC_OK;
    }
    if (strcmp(backend, "dynamodb") == 0)
        return fc_dynamo_open(cfg, out);
    fprintf(stderr, "forkcast: unknown Store.Backend '%s' (expected sqlite or dynamodb)\n",
            backend);
    return FC_ERR;
}

void fc_store_close(struct fc_store *s)
{
    if (s)
        s->ops->close(s);
}

int fc_store_may_see(int64_t viewer, int64_t author, const char *visibility, int disabled, int rel)
{
    if (disabled)
        return 0;
    if (viewer && viewer == author)
        return 1;
    if (rel & (FC_REL_BLOCKED | FC_REL_BLOCKED_BY))
        return 0;
    return (visibility && strcmp(visibility, "public") == 0) || (rel & FC_REL_FRIEND);
}

static _Thread_local int last_fault;

int fc_store_fault(void)
{
    return last_fault;
}

void fc_store_fault_note(int fault)
{
    last_fault = fault;
}

void fc_store_fault_clear(void)
{
    last_fault = 0;
}
