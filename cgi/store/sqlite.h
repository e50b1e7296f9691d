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

#endif
