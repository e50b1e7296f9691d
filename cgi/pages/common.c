/* pages/common: turning records into HDF page data, shared by every page. */
#include "pages/pages.h"
#include "core/util.h"

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

void pages_set_restaurant(struct fc_ctx *c, const char *p, const struct fc_restaurant *r)
{
    char k[256];
#define SET(field, v)                                                                              \
    do {                                                                                           \
        snprintf(k, sizeof k, "%s.%s", p, field);                                                  \
        fc_set(c, k, v);                                                                           \
    } while (0)
    snprintf(k, sizeof k, "%s.Id", p);
    fc_set_int(c, k, r->id);
    SET("Name", r->name);
    SET("Address", r->address);
    SET("City", r->city);
    SET("State", r->state);
    SET("Country", r->country);
    SET("Price", r->price);
    SET("Hours", r->hours);
    SET("Alcohol", r->alcohol);
    SET("Smoking", r->smoking);
    SET("Url", r->url);
    if (r->has_coords) {
        snprintf(k, sizeof k, "%s.Lat", p);
        fc_setf(c, k, "%.6f", r->lat);
        snprintf(k, sizeof k, "%s.Lon", p);
        fc_setf(c, k, "%.6f", r->lon);
    }
    snprintf(k, sizeof k, "%s.Reviews", p);
    fc_set_int(c, k, r->review_count);
    if (r->review_count) {
        snprintf(k, sizeof k, "%s.Avg", p);
        fc_setf(c, k, "%.1f", r->avg_stars);
        snprintf(k, sizeof k, "%s.AvgRounded", p);
        fc_set_int(c, k, (long long)(r->avg_stars + 0.5));
    }
    snprintf(k, sizeof k, "%s.Cuisines", p);
    pages_set_list(c, k, r->cuisines);
#undef SET
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

void pages_set_date(struct fc_ctx *c, const char *prefix, int64_t at)
{
    char buf[32], k[256];
    time_t t = (time_t)at;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    fc_set(c, prefix, buf);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(k, sizeof k, "%s.Iso", prefix);
    fc_set(c, k, buf);
}

void pages_set_month(struct fc_ctx *c, const char *prefix, const char *ym)
{
    static const char *const names[] = {"January",   "February", "March",    "April",
                                        "May",       "June",     "July",     "August",
                                        "September", "October",  "November", "December"};
    char k[256];
    int month = ym && strlen(ym) == 7 ? atoi(ym + 5) : 0;
    if (month < 1 || month > 12)
        return;
    fc_set(c, prefix, ym);
    snprintf(k, sizeof k, "%s.Text", prefix);
    fc_setf(c, k, "%s %.4s", names[month - 1], ym);
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
