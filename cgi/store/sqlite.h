/* store/sqlite: the SQLite backend of the store interface. */
#ifndef FC_STORE_SQLITE_H
#define FC_STORE_SQLITE_H

#include <sqlite3.h>

#include "store/store.h"

/* Opens (creating if needed) the database at path and applies the migrations in sql_dir. */
int fc_sqlite_open(const char *path, const char *sql_dir, struct fc_store **out);
/* Applies pending migrations; FC_OK or FC_ERR. */
int fc_sqlite_migrate(struct fc_store *s, const char *sql_dir);
/* Runs trusted SQL (transactions for bulk imports); never with user input. */
int fc_sqlite_exec(struct fc_store *s, const char *sql);

/* The connection behind a SQLite store, for the backend's own modules (sqlite_*.c). */
sqlite3 *fc_sqlite_db(struct fc_store *s);

/* Admin console operations (sqlite_admin.c); see store.h. */
int fc_sqlite_user_search(struct fc_store *s, const struct fc_user_query *q, struct fc_user *out,
                          int *n, int *total);
int fc_sqlite_session_delete_user(struct fc_store *s, int64_t user_id);
int fc_sqlite_metrics_add(struct fc_store *s, const struct fc_metric_row *rows, int nrows,
                          const struct fc_metric_counter *ctrs, int nctrs);
int fc_sqlite_metrics_query(struct fc_store *s, int64_t since, enum fc_metric_group group,
                            struct fc_metric_row **out, int *n);
int fc_sqlite_metrics_counters(struct fc_store *s, int64_t since, struct fc_metric_counter **out,
                               int *n);
int fc_sqlite_metrics_prune(struct fc_store *s, int64_t before);
int fc_sqlite_store_health(struct fc_store *s, struct fc_store_check *out, int max, int *n);
/* Password reset links (sqlite_reset.c). */
int fc_sqlite_reset_create(struct fc_store *s, const char *hash, int64_t user_id, int64_t expires);
int fc_sqlite_reset_take(struct fc_store *s, const char *hash, int64_t now, int64_t *user_id,
                         int64_t *expires);

#endif
