/* backup/export: exports a non-SQLite store (DynamoDB) into a SQLite file for a snapshot. */
#include "backup/backup.h"
#include "core/config.h"
#include "core/util.h"
#include "store/sqlite.h"
#include "store/store.h"

#include <string.h>
#include <unistd.h>

struct export_ctx {
    struct fc_store *to;
    long rows;
    int bad;
};

static int put_row(void *ctx, const char *table, struct json_object *row)
{
    struct export_ctx *e = ctx;
    int rc = e->to->ops->import_row(e->to, table, row);

    if (rc == FC_EINVAL)
        return 0; /* a table the SQLite schema does not keep */
    if (rc != FC_OK) {
        e->bad = 1;
        return 1;
    }
    e->rows++;
    return 0;
}

int backup_store_export_needed(HDF *cfg)
{
    return strcmp(fc_config_str(cfg, "Store.Backend", "sqlite"), "sqlite") != 0;
}

int backup_store_export(HDF *cfg, const char *dst, long *rows, char *err, size_t errlen)
{
    struct fc_store *from = NULL, *to = NULL;
    struct export_ctx e = {0};
    char sql[PATH_MAX];
    int rc = FC_ERR;

    *rows = 0;
    unlink(dst);
    if (fc_config_path(cfg, "Sql.Dir", "sql", sql, sizeof sql)) {
        snprintf(err, errlen, "no Sql.Dir");
        return FC_ERR;
    }
    if (fc_store_open(cfg, &from)) {
        snprintf(err, errlen, "cannot open the %s store", fc_config_str(cfg, "Store.Backend", "?"));
        goto out;
    }
    if (!from->ops->export_rows) {
        snprintf(err, errlen, "the %s store cannot export its rows", from->ops->name);
        goto out;
    }
    if (fc_sqlite_open(dst, sql, &to) || !to->ops->import_row) {
        snprintf(err, errlen, "cannot create %s", dst);
        goto out;
    }
    e.to = to;
    if (from->ops->export_rows(from, put_row, &e) || e.bad ||
        to->ops->import_row(to, NULL, NULL) != FC_OK) {
        snprintf(err, errlen, "the export of the %s store failed after %ld rows", from->ops->name,
                 e.rows);
        goto out;
    }
    *rows = e.rows;
    rc = FC_OK;
out:
    fc_store_close(to);
    fc_store_close(from);
    if (rc != FC_OK)
        unlink(dst);
    return rc;
}
