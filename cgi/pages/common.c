/* pages/common: turning records into HDF page data, and reading the request parameters that
 * several pages (and the API) read alike. */
#include "pages/pages.h"
#include "auth/auth.h"
#include "core/util.h"
#include "svc/content.h"
#include "svc/visual.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void pages_set_list(struct fc_ctx *c, const char *prefix, const char *csv)
{
    char *copy = strdup(csv ? csv : ""), *save = NULL;
    int i = 0;
    if (!copy)
        return;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char key[256];
        fc_trim(t);
        if (!*t)
            continue;
        snprintf(key, sizeof key, "%s.%d", prefix, i++);
        fc_set(c, key, t);
    }
    free(copy);
}

HDF *pages_node(struct fc_ctx *c, const char *prefix)
{
    HDF *n = NULL;
    NEOERR *err = hdf_get_node(c->hdf, prefix, &n);
    if (err) {
        nerr_log_error(err);
        nerr_ignore(&err);
        return NULL;
    }
    return n;
}

void pages_node_set(HDF *n, const char *name, const char *value)
{
    NEOERR *err;
    if (!n)
        return;
    if ((err = hdf_set_value(n, name, value ? value : ""))) {
        nerr_log_error(err);
        nerr_ignore(&err);
    }
}

void pages_node_int(HDF *n, const char *name, long long v)
{
    char buf[24];
    pages_node_set(n, name, fc_lltoa(buf, v));
}

/* pages_set_list under n's child name: name.0, name.1, ... (made at the first item). */
static void node_list(HDF *n, const char *name, const char *csv)
{
    char *copy = strdup(csv ? csv : ""), *save = NULL;
    HDF *list = NULL;
    int i = 0;
    if (!copy)
        return;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char k[16];
        NEOERR *err;
        fc_trim(t);
        if (!*t)
            continue;
        if (!list && (err = hdf_get_node(n, name, &list))) {
            nerr_log_error(err);
            nerr_ignore(&err);
            break;
        }
        snprintf(k, sizeof k, "%d", i++);
        pages_node_set(list, k, t);
    }
    free(copy);
}

void pages_set_restaurant(struct fc_ctx *c, const char *p, const struct fc_restaurant *r)
{
    /* each field through the restaurant's node: one walk of p from the root, not one per
     * field (a page sets 5 to 20 restaurants of some 17 fields) */
    HDF *n = pages_node(c, p);
    char buf[64];
    if (!n)
        return;
    pages_node_int(n, "Id", r->id);
    pages_node_set(n, "Name", r->name);
    pages_node_set(n, "Address", r->address);
    pages_node_set(n, "City", r->city);
    pages_node_set(n, "State", r->state);
    pages_node_set(n, "Country", r->country);
    pages_node_set(n, "Price", r->price);
    pages_node_set(n, "Hours", r->hours);
    pages_node_set(n, "Alcohol", r->alcohol);
    pages_node_set(n, "Smoking", r->smoking);
    pages_node_set(n, "Url", r->url);
    if (r->has_coords) {
        snprintf(buf, sizeof buf, "%.6f", r->lat);
        pages_node_set(n, "Lat", buf);
        snprintf(buf, sizeof buf, "%.6f", r->lon);
        pages_node_set(n, "Lon", buf);
    }
    pages_node_int(n, "Reviews", r->review_count);
    if (r->review_count) {
        snprintf(buf, sizeof buf, "%.1f", r->avg_stars);
        pages_node_set(n, "Avg", buf);
        pages_node_int(n, "AvgRounded", (long long)(r->avg_stars + 0.5));
    }
    node_list(n, "Cuisines", r->cuisines);
}

void pages_set_user(struct fc_ctx *c, const char *p, const struct fc_user *u)
{
    char k[256];
    snprintf(k, sizeof k, "%s.Id", p);
    fc_set_int(c, k, u->id);
    snprintf(k, sizeof k, "%s.Username", p);
    fc_set(c, k, u->username);
    snprintf(k, sizeof k, "%s.Name", p);
    fc_set(c, k, u->display_name[0] ? u->display_name : u->username);
    snprintf(k, sizeof k, "%s.Bio", p);
    fc_set(c, k, u->bio);
    snprintf(k, sizeof k, "%s.City", p);
    fc_set(c, k, u->city);
    snprintf(k, sizeof k, "%s.Price", p);
    fc_set(c, k, u->price);
    snprintf(k, sizeof k, "%s.Visibility", p);
    fc_set(c, k, u->visibility);
    snprintf(k, sizeof k, "%s.Cuisines", p);
    pages_set_list(c, k, u->cuisines);
}

const char *pages_safe_next(const char *next)
{
    if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\')
        return "/";
    /* no control characters: browsers drop tabs and newlines, so "/\t/host" is "//host" */
    for (const char *p = next; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return "/";
    return next;
}

void pages_node_date(HDF *n, const char *name, int64_t at)
{
    char buf[32], k[128];
    time_t t = (time_t)at;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    pages_node_set(n, name, buf);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(k, sizeof k, "%s.Iso", name);
    pages_node_set(n, k, buf);
}

void pages_set_date(struct fc_ctx *c, const char *prefix, int64_t at)
{
    pages_node_date(c->hdf, prefix, at);
}

void pages_node_month(HDF *n, const char *name, const char *ym)
{
    static const char *const names[] = {"January",   "February", "March",    "April",
                                        "May",       "June",     "July",     "August",
                                        "September", "October",  "November", "December"};
    char k[128], buf[32];
    int month = ym && strlen(ym) == 7 ? atoi(ym + 5) : 0;
    if (month < 1 || month > 12)
        return;
    pages_node_set(n, name, ym);
    snprintf(k, sizeof k, "%s.Text", name);
    snprintf(buf, sizeof buf, "%s %.4s", names[month - 1], ym);
    pages_node_set(n, k, buf);
}

void pages_set_month(struct fc_ctx *c, const char *prefix, const char *ym)
{
    pages_node_month(c->hdf, prefix, ym);
}

void pages_set_month_now(struct fc_ctx *c, const char *name)
{
    char buf[16];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m", &tm);
    fc_set(c, name, buf);
}

int pages_search(struct fc_ctx *c, int facets, struct fc_svc_search_in *in,
                 struct fc_svc_search_out *out, struct fc_svc_origin *origin,
                 struct fc_svc_origin *by, struct fc_svc_result *res)
{
    struct fc_svc sv = fc_app_svc(c);
    *in = (struct fc_svc_search_in){
        .text = fc_query(c, "q"),
        .cuisine = fc_query(c, "cuisine"),
        .price = fc_query(c, "price"),
        .city = fc_query(c, "city"),
        .page = fc_query(c, "page"),
        .sort = fc_query(c, "sort"),
        .near = fc_query(c, "near"),
        .open = fc_query(c, "open"),
        .open_at = fc_query(c, "open_at"),
        .facets = facets,
    };
    if (fc_svc_origin(&sv, in->near, origin, res) || fc_svc_restaurant_search(&sv, in, out, res))
        return FC_ERR;
    /* sorted by distance: the distances from the sort's point */
    *by = (struct fc_svc_origin){.set = out->has_near, .lat = out->near_lat, .lon = out->near_lon};
    by->chosen = out->has_near && out->near_from && strcmp(out->near_from, "point") == 0;
    if (out->has_near && out->near_from && !by->chosen)
        fc_strlcpy(by->city, out->near_from, sizeof by->city);
    return FC_OK;
}

void pages_set_pager(struct fc_ctx *c, const char *prefix, long total, long page, long pages,
                     long first, long last)
{
    fc_setk_int(c, total, "%s.Total", prefix);
    fc_setk_int(c, page, "%s.Page", prefix);
    fc_setk_int(c, pages, "%s.Pages", prefix);
    fc_setk_int(c, first, "%s.First", prefix);
    fc_setk_int(c, last, "%s.Last", prefix);
    if (page > 1)
        fc_setk_int(c, page - 1, "%s.Prev", prefix);
    if (page < pages)
        fc_setk_int(c, page + 1, "%s.Next", prefix);
}

void pages_set_strlist(struct fc_ctx *c, const char *prefix, const struct fc_strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        fc_setk(c, l->v[i], "%s.%zu", prefix, i);
}

int64_t pages_arg_id(struct fc_ctx *c, int i)
{
    long id;
    if (i >= c->nargs || fc_parse_int(c->args[i], 1, 0x7fffffffL, &id))
        return 0;
    return id;
}

void pages_form_keep(struct fc_ctx *c, const char *const *names, size_t n)
{
    char k[64];
    for (size_t i = 0; i < n; i++) {
        snprintf(k, sizeof k, "Form.%s", names[i]);
        fc_set(c, k, fc_form(c, names[i]));
    }
}

void pages_set_password_form(struct fc_ctx *c, const char *title)
{
    fc_set(c, "Page.Title", title);
    fc_set_int(c, "Form.MinLength", fc_auth_password_min(c->app->cfg));
}

int pages_form_error(struct fc_ctx *c, int status, const char *tpl, const struct fc_auth_error *err)
{
    char k[64];
    c->resp.status = status;
    if (err->field[0]) {
        snprintf(k, sizeof k, "Form.Errors.%s", err->field);
        fc_set(c, k, err->message);
    } else {
        fc_set(c, "Form.Error", err->message);
    }
    return fc_render(c, tpl) ? 500 : 0;
}

HDF *pages_set_friend_rec(struct fc_ctx *c, const char *prefix, const struct fc_friend_rec *r)
{
    HDF *n = pages_node(c, prefix);
    char avg[32];
    snprintf(avg, sizeof avg, "%.1f", r->avg);
    pages_node_int(n, "Id", r->restaurant_id);
    pages_node_set(n, "Name", r->name);
    pages_node_set(n, "City", r->city);
    pages_node_int(n, "Friends", r->friends);
    pages_node_set(n, "Avg", avg);
    pages_node_int(n, "AvgRounded", (long long)(r->avg + 0.5));
    pages_node_set(n, "Who", r->who);
    return n;
}
