/* store: picks the backend named in the configuration. */
#include "store/store.h"
#include "store/rules.h"
#include "core/config.h"
#include "core/util.h"
#include "store/dynamodb.h"
#include "store/sqlite.h"

#include <limits.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stddef.h>
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

unsigned fc_store_profile_fields(int64_t viewer, int64_t member, const char *visibility, int rel)
{
    unsigned f = FC_FIELD_NAME;
    if (viewer && viewer == member)
        return FC_FIELD_NAME | FC_FIELD_PROFILE | FC_FIELD_REVIEWS;
    if (rel & FC_REL_BLOCKED_BY)
        return 0;
    if ((visibility && strcmp(visibility, "public") == 0) || (rel & FC_REL_FRIEND)) {
        f |= FC_FIELD_PROFILE;
        if (!(rel & FC_REL_BLOCKED))
            f |= FC_FIELD_REVIEWS;
    }
    return f;
}

int fc_store_may_see(int64_t viewer, int64_t author, const char *visibility, int disabled, int rel)
{
    return !disabled &&
           (fc_store_profile_fields(viewer, author, visibility, rel) & FC_FIELD_REVIEWS);
}

void fc_store_user_redact(struct fc_user *u, unsigned fields)
{
    if (!(fields & FC_FIELD_NAME))
        u->display_name[0] = '\0';
    if (!(fields & FC_FIELD_PROFILE)) {
        if (u->bio)
            u->bio[0] = '\0';
        u->city[0] = '\0';
        if (u->cuisines)
            u->cuisines[0] = '\0';
        u->price[0] = '\0';
    }
}

void fc_store_person_redact(struct fc_person *p, int64_t viewer)
{
    unsigned f = fc_store_profile_fields(viewer, p->id, p->visibility, p->rel);
    if (!(f & FC_FIELD_NAME))
        p->display_name[0] = '\0';
    if (!(f & FC_FIELD_PROFILE))
        p->city[0] = '\0';
}

int fc_store_relate(struct fc_store *s, int64_t a, int64_t b, int act, int64_t now, int *refusal,
                    int *before, int *after)
{
    int rel = 0, next = 0, rc = FC_ERR;
    for (int tries = 0; tries < 5; tries++) {
        rel = next = 0;
        if (a != b && s->ops->relation(s, a, b, &rel))
            return FC_ERR;
        if ((*refusal = (int)fc_rules_friend((enum fc_rules_act)act, a, b, rel, &next)))
            break;
        if (next == rel) { /* nothing to change (blocking twice, unblocking nobody) */
            rc = FC_OK;
            break;
        }
        rc = s->ops->relation_set(s, a, b, rel, next, now);
        if (rc != FC_EXISTS)
            break;
        /* the relation changed since the read (another request): decide again */
    }
    if (before)
        *before = rel;
    if (after)
        *after = next;
    return *refusal || rc == FC_OK ? FC_OK : FC_ERR;
}

int fc_store_relate_rc(struct fc_store *s, int64_t a, int64_t b, int act, int64_t now)
{
    int refusal;
    if (fc_store_relate(s, a, b, act, now, &refusal, NULL, NULL))
        return FC_ERR;
    switch (refusal) {
    case FC_RULE_OK:
        return FC_OK;
    case FC_RULE_FRIENDS:
    case FC_RULE_ASKED:
        return FC_EXISTS;
    case FC_RULE_NO_REQUEST:
    case FC_RULE_NOT_FRIENDS:
        return FC_NOTFOUND;
    default:
        return FC_EINVAL;
    }
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

/* ---- owned text of records ------------------------------------------------------------------ */

void fc_user_clear(struct fc_user *u)
{
    free(u->bio);
    free(u->cuisines);
    u->bio = u->cuisines = NULL;
}

static int set_owned(char **field, const char *v)
{
    free(*field);
    *field = strdup(v ? v : "");
    return *field ? FC_OK : FC_ERR;
}

int fc_user_set_bio(struct fc_user *u, const char *v)
{
    return set_owned(&u->bio, v);
}

int fc_user_set_cuisines(struct fc_user *u, const char *v)
{
    return set_owned(&u->cuisines, v);
}

int fc_user_copy(struct fc_user *dst, const struct fc_user *src)
{
    *dst = *src;
    dst->bio = dst->cuisines = NULL;
    if ((src->bio && set_owned(&dst->bio, src->bio)) ||
        (src->cuisines && set_owned(&dst->cuisines, src->cuisines))) {
        fc_user_clear(dst);
        return FC_ERR;
    }
    return FC_OK;
}

/* The owned text fields of a restaurant, by their names (their attributes' in the stores). */
#define REST_TEXT(member)                                                                          \
    {                                                                                              \
        offsetof(struct fc_restaurant, member), #member                                            \
    }
static const struct {
    size_t off;
    const char *name;
} rest_texts[] = {REST_TEXT(name),     REST_TEXT(address), REST_TEXT(city),
                  REST_TEXT(cuisines), REST_TEXT(hours),   REST_TEXT(url)};

/* r's owned text field i (of rest_texts). */
static char **rest_text(struct fc_restaurant *r, size_t i)
{
    return (char **)(void *)((char *)r + rest_texts[i].off);
}

void fc_restaurant_clear(struct fc_restaurant *r)
{
    for (size_t i = 0; i < FC_ARRAY_LEN(rest_texts); i++) {
        free(*rest_text(r, i));
        *rest_text(r, i) = NULL;
    }
}

void fc_restaurants_free(struct fc_restaurant *rows, int n)
{
    for (int i = 0; rows && i < n; i++)
        fc_restaurant_clear(&rows[i]);
    free(rows);
}

int fc_restaurant_set_name(struct fc_restaurant *r, const char *v)
{
    return set_owned(&r->name, v);
}

int fc_restaurant_set_address(struct fc_restaurant *r, const char *v)
{
    return set_owned(&r->address, v);
}

int fc_restaurant_set_city(struct fc_restaurant *r, const char *v)
{
    return set_owned(&r->city, v);
}

int fc_restaurant_set_cuisines(struct fc_restaurant *r, const char *v)
{
    return set_owned(&r->cuisines, v);
}

int fc_restaurant_set_hours(struct fc_restaurant *r, const char *v)
{
    return set_owned(&r->hours, v);
}

int fc_restaurant_set_url(struct fc_restaurant *r, const char *v)
{
    return set_owned(&r->url, v);
}

int fc_restaurant_set_texts(struct fc_restaurant *r,
                            const char *(*get)(void *src, const char *name), void *src)
{
    for (size_t i = 0; i < FC_ARRAY_LEN(rest_texts); i++)
        if (set_owned(rest_text(r, i), get(src, rest_texts[i].name)))
            return FC_ERR;
    return FC_OK;
}

int fc_restaurant_fill(struct fc_restaurant *r)
{
    for (size_t i = 0; i < FC_ARRAY_LEN(rest_texts); i++)
        if (!*rest_text(r, i) && set_owned(rest_text(r, i), ""))
            return FC_ERR;
    return FC_OK;
}

int fc_restaurant_copy(struct fc_restaurant *dst, const struct fc_restaurant *src)
{
    *dst = *src;
    for (size_t i = 0; i < FC_ARRAY_LEN(rest_texts); i++)
        *rest_text(dst, i) = NULL;
    for (size_t i = 0; i < FC_ARRAY_LEN(rest_texts); i++) {
        const char *t = *(char *const *)(const void *)((const char *)src + rest_texts[i].off);
        if (t && set_owned(rest_text(dst, i), t)) {
            fc_restaurant_clear(dst);
            return FC_ERR;
        }
    }
    return FC_OK;
}

int fc_strlist_add(struct fc_strlist *l, const char *str)
{
    char *copy;
    if (fc_grow(&l->v, &l->cap, l->n + 1, sizeof *l->v, 8) || !(copy = strdup(str ? str : "")))
        return FC_ERR;
    l->v[l->n++] = copy;
    return FC_OK;
}

void fc_strlist_free(struct fc_strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

void fc_review_clear(struct fc_review *r)
{
    free(r->body);
    r->body = NULL;
}

void fc_rest_page_clear(struct fc_rest_page *pg)
{
    fc_restaurant_clear(&pg->rest);
    fc_review_clear(&pg->mine);
}

int fc_review_set_body(struct fc_review *r, const char *body)
{
    free(r->body);
    r->body = strdup(body ? body : "");
    return r->body ? FC_OK : FC_ERR;
}

void fc_review_rows_clear(struct fc_review_row *rows, int n)
{
    for (int i = 0; rows && i < n; i++)
        fc_review_clear(&rows[i].r);
}

void fc_review_rows_free(struct fc_review_row *rows, int n)
{
    fc_review_rows_clear(rows, n);
    free(rows);
}

void fc_feed_items_clear(struct fc_feed_item *items, int n)
{
    for (int i = 0; items && i < n; i++) {
        free(items[i].body);
        items[i].body = NULL;
    }
}

int fc_store_check_put(struct fc_store_checks *out, const char *name, int ok, const char *fmt, ...)
{
    struct fc_store_check *c;
    va_list ap;
    if (out->n >= out->max)
        return FC_ERR;
    c = &out->v[out->n++];
    fc_strlcpy(c->name, name, sizeof c->name);
    c->ok = ok;
    va_start(ap, fmt);
    vsnprintf(c->value, sizeof c->value, fmt, ap);
    va_end(ap);
    return FC_OK;
}
