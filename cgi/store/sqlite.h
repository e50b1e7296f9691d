/* store/sqlite: the SQLite backend of the store interface. */
#ifndef FC_STORE_SQLITE_H
#define FC_STORE_SQLITE_H

#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>

#include "store/store.h"

/* Opens (creating if needed) the database at path and applies the migrations in sql_dir. */
int fc_sqlite_open(const char *path, const char *sql_dir, struct fc_store **out);
/* Applies pending migrations; FC_OK or FC_ERR. */
int fc_sqlite_migrate(struct fc_store *s, const char *sql_dir);
/* Runs trusted SQL (transactions for bulk imports); never with user input. */
int fc_sqlite_exec(struct fc_store *s, const char *sql);

/* The connection behind a SQLite store, for the backend's own modules (sqlite_*.c). */
sqlite3 *fc_sqlite_db(struct fc_store *s);
/* A read statement prepared once per connection (sql: a string literal, known by its
 * address; at most a few, for the reads of every page), reset and unbound, ready to bind;
 * NULL (logged) when it cannot be. The caller resets it when done, never finalizes it. */
sqlite3_stmt *fc_sqlite_cached(struct fc_store *s, const char *sql);

/* Statement helpers for those modules (sqlite_stmt.c). fc_sqlite_fail logs "forkcast: sqlite
 * <what>: <the connection's error>"; fc_sqlite_prepare prepares sql, or logs, sets *st NULL
 * and returns FC_ERR; fc_sqlite_text copies text column i into dst of size n ("" for NULL);
 * fc_sqlite_finish ends an operation: logs when rc is FC_ERR, finalizes st, returns rc. */
void fc_sqlite_fail(sqlite3 *db, const char *what);
int fc_sqlite_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, const char *what);
void fc_sqlite_text(sqlite3_stmt *st, int i, char *dst, size_t n);
int fc_sqlite_finish(sqlite3 *db, sqlite3_stmt *st, int rc, const char *what);

/* Binds the parameters 1, 2, ... of st to the arguments, one for each letter of types: 'l' an
 * int64_t, 'i' an int, 'd' a double, 't' a string (bound without a copy: it must last while st
 * runs), 's' a string copied, NULL as ""; '-' takes no argument and leaves its parameter
 * unbound (NULL). fc_sqlite_vbind: the same from a va_list. */
void fc_sqlite_bind(sqlite3_stmt *st, const char *types, ...);
void fc_sqlite_vbind(sqlite3_stmt *st, const char *types, va_list ap);
/* The n ids as a JSON array ("[1,2]", malloc'ed) for a parameter read by json_each; NULL when
 * out of memory. */
char *fc_sqlite_ids_json(const int64_t *ids, int n);

/* A column of a result row and the struct member it is read into (fc_sqlite_cols): kind 'n'
 * an integer (int or int64_t, by the member's size), 'd' a double, 's' text into a char
 * array ("" for NULL); kind 0 (FC_SQLITE_SKIP) passes the column over. */
struct fc_sqlite_col {
    char kind;
    size_t off, size;
};
#define FC_SQLITE_COL(kind, type, member)                                                          \
    {                                                                                              \
        kind, offsetof(type, member), sizeof(((type *)0)->member)                                  \
    }
#define FC_SQLITE_SKIP                                                                             \
    {                                                                                              \
        0, 0, 0                                                                                    \
    }
/* Reads the columns first, first + 1, ... of st's row into rec, one for each of the n cols. */
void fc_sqlite_cols(sqlite3_stmt *st, int first, const struct fc_sqlite_col *cols, size_t n,
                    void *rec);
/* Steps st into out: at most max rows of elem bytes, each zeroed and read by cols (ncols,
 * from column 0); *n the rows read. FC_OK, or FC_ERR (logged as what) when a step fails. The
 * caller resets or finalizes st. */
int fc_sqlite_rows(sqlite3 *db, sqlite3_stmt *st, const struct fc_sqlite_col *cols, size_t ncols,
                   void *out, size_t elem, int max, int *n, const char *what);
/* The rows of one owner: prepares sql, binds ?1 to id and ?2 to max, reads the rows as
 * fc_sqlite_rows does and finalizes (none asked: no query). */
int fc_sqlite_list(sqlite3 *db, const char *sql, int64_t id, const struct fc_sqlite_col *cols,
                   size_t ncols, void *out, size_t elem, int max, int *n, const char *what);

/* fc_sqlite_list with other parameters: prepares sql, binds its parameters to the arguments
 * (types, as fc_sqlite_bind), reads the rows as fc_sqlite_rows does and finalizes. */
int fc_sqlite_select(sqlite3 *db, const char *sql, const struct fc_sqlite_col *cols, size_t ncols,
                     void *out, size_t elem, int max, int *n, const char *what, const char *types,
                     ...);
/* Runs sql, which returns no rows, with its parameters bound to the arguments (types, as
 * fc_sqlite_bind), and finalizes it: FC_OK, or FC_ERR (logged as what); *changes (when not
 * NULL) is then the number of rows it changed. */
int fc_sqlite_do(sqlite3 *db, const char *sql, int *changes, const char *what, const char *types,
                 ...);

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

/* Restaurants as sqlite.c reads them: the columns (of restaurants r), the search's WHERE
 * clause (?1 text, ?2 cuisine, ?3 price, ?4 city) and the reader of such a row. */
extern const char fc_sqlite_rest_cols[];
extern const char fc_sqlite_rest_where[];
int fc_sqlite_rest_row(sqlite3_stmt *st, struct fc_restaurant *r);

/* Discovery (sqlite_discovery.c): the SQL functions fc_bayes, fc_km and fc_open_at (the pure
 * functions of store/rules.h, core/geo.h and core/hours.h), registered on a connection (an
 * SQLite result code); rest_search in an order other than by name or open at a time (text:
 * the LIKE-escaped q->text); and the operations of store.h. */
int fc_sqlite_discovery_functions(sqlite3 *db);
int fc_sqlite_rest_search_sorted(struct fc_store *s, const struct fc_rest_query *q,
                                 const char *text, struct fc_restaurant **out, int *n, int *total);
int fc_sqlite_rest_city_centre(struct fc_store *s, const char *city, double *lat, double *lon);
int fc_sqlite_rest_star_counts(struct fc_store *s, int64_t restaurant_id, int counts[5]);
/* Conversation (sqlite_talk.c); see store.h. */
int fc_sqlite_like_put(struct fc_store *s, int64_t review_id, int64_t restaurant_id,
                       int64_t user_id, int64_t now);
int fc_sqlite_like_delete(struct fc_store *s, int64_t review_id, int64_t user_id);
int fc_sqlite_talk_counts(struct fc_store *s, const int64_t *ids, int n, int64_t viewer,
                          struct fc_talk_count *out);
int fc_sqlite_comment_add(struct fc_store *s, struct fc_comment *c);
int fc_sqlite_comment_get(struct fc_store *s, int64_t id, struct fc_comment *out);
int fc_sqlite_comment_delete(struct fc_store *s, int64_t id);
int fc_sqlite_comments_of(struct fc_store *s, int64_t restaurant_id, int64_t review_id,
                          int64_t viewer, struct fc_comment_row *out, int max, int *n);
int fc_sqlite_note_add(struct fc_store *s, struct fc_note *n);
int fc_sqlite_notes_list(struct fc_store *s, int64_t user_id, struct fc_note_row *out, int max,
                         int *n);
int fc_sqlite_notes_unread(struct fc_store *s, int64_t user_id, int *count);
int fc_sqlite_notes_mark_read(struct fc_store *s, int64_t user_id, int64_t upto);
/* The content version (sqlite_version.c); see store.h. */
int fc_sqlite_content_version(struct fc_store *s, int64_t *version);

#endif
