/* pages/api: the JSON API under /api/v1/ for mobile clients (bearer tokens; see docs/api.md). */
#include "auth/auth.h"
#include "core/config.h"
#include "core/geo.h"
#include "core/json.h"
#include "core/route.h"
#include "core/session.h"
#include "core/util.h"
#include "pages/pages.h"
#include "rec/personalize.h"
#include "rec/rec.h"
#include "svc/content.h"
#include "svc/profiles.h"
#include "svc/social.h"
#include "store/rules.h"
#include "svc/talk.h"
#include "svc/visual.h"

#include <json-c/json.h>

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define PER_PAGE   20  /* restaurants per page, as on /restaurants */
#define FEED_PAGE  20  /* feed items per page, as on /feed */
#define LIST_MAX   200 /* people per list, as on /friends */
#define REVIEW_MAX 100 /* reviews per list */
#define SAVED_MAX  500 /* want-to-go list, as on /saved */

/* Every handler writes its JSON response itself and returns 0 (never a status for the HTML
 * error page). Helpers that check something return FC_OK, or FC_EINVAL once they have written
 * the error response. */

/* ---- responses ---------------------------------------------------------------------------- */

/* Writes obj (consumed) as the JSON response with status; returns 0. */
static int send_json(struct fc_ctx *c, int status, json_object *obj)
{
    const char *s;
    string_clear(&c->resp.body);
    string_init(&c->resp.body);
    if (!obj) {
        fprintf(stderr, "forkcast: [%s] api: out of memory\n", c->request_id);
        c->resp.status = 500;
        return 0;
    }
    s = json_object_to_json_string_ext(obj,
                                       JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    c->resp.status = status;
    fc_resp_header(&c->resp, "Content-Type", "application/json");
    if (s)
        string_append(&c->resp.body, s);
    json_object_put(obj);
    return 0;
}

/* A body-less success (204 No Content); returns 0. */
static int send_none(struct fc_ctx *c)
{
    c->resp.status = 204;
    return 0;
}

/* Writes {"error": {"code", "message", "field"}} with status; returns FC_EINVAL. */
static int fail(struct fc_ctx *c, int status, const char *code, const char *field, const char *fmt,
                ...) FC_PRINTF(5, 6);
static int fail(struct fc_ctx *c, int status, const char *code, const char *field, const char *fmt,
                ...)
{
    char msg[512];
    va_list ap;
    json_object *o = json_object_new_object(), *e = json_object_new_object();
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!o || !e) {
        json_object_put(o);
        json_object_put(e);
        send_json(c, 500, NULL);
        return FC_EINVAL;
    }
    json_object_object_add(e, "code", json_object_new_string(code));
    json_object_object_add(e, "message", json_object_new_string(msg));
    json_object_object_add(e, "field", field ? json_object_new_string(field) : NULL);
    json_object_object_add(o, "error", e);
    send_json(c, status, o);
    return FC_EINVAL;
}

/* A store or auth failure: logged, 500; returns FC_EINVAL. */
static int fail500(struct fc_ctx *c, const char *what)
{
    fprintf(stderr, "forkcast: [%s] api: %s failed\n", c->request_id, what);
    return fail(c, 500, "internal_error", NULL,
                "Something went wrong on our side. It has been logged; try again later.");
}

/* Public routes run without a user, but a token that does not work is an error (401), not an
 * anonymous request: the client must learn that it has to log in again. */
static int token_ok(struct fc_ctx *c)
{
    if (c->logged_in || !*c->req.authorization)
        return FC_OK;
    fc_resp_header(&c->resp, "WWW-Authenticate",
                   "Bearer realm=\"forkcast\", error=\"invalid_token\"");
    return fail(c, 401, "invalid_token", NULL,
                "The token is invalid or has expired. Log in again.");
}

/* ---- JSON building ------------------------------------------------------------------------ */

static void add_str(json_object *o, const char *k, const char *v)
{
    json_object_object_add(o, k, json_object_new_string(v ? v : ""));
}

static void add_int(json_object *o, const char *k, int64_t v)
{
    json_object_object_add(o, k, json_object_new_int64(v));
}

static void add_bool(json_object *o, const char *k, int v)
{
    json_object_object_add(o, k, json_object_new_boolean(v != 0));
}

/* A number with one decimal ("4.2" on the wire). */
static void add_avg(json_object *o, const char *k, double v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%.1f", v);
    json_object_object_add(o, k, json_object_new_double_s(strtod(buf, NULL), buf));
}

/* A coordinate with six decimals (about 10 cm), as the pages show it. */
static void add_coord(json_object *o, const char *k, double v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%.6f", v);
    json_object_object_add(o, k, json_object_new_double_s(strtod(buf, NULL), buf));
}

/* A time as ISO 8601 UTC ("2024-05-01T12:00:00Z"). */
static void add_time(json_object *o, const char *k, int64_t at)
{
    char buf[32];
    time_t t = (time_t)at;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    add_str(o, k, buf);
}

/* A comma-separated list as an array of trimmed, non-empty strings. */
static json_object *csv_array(const char *csv)
{
    json_object *a = json_object_new_array();
    const char *p = csv ? csv : "";
    while (a && *p) {
        const char *end = strchr(p, ','), *s = p, *e;
        if (!end)
            end = p + strlen(p);
        e = end;
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        if (e > s)
            json_object_array_add(a, json_object_new_string_len(s, (int)(e - s)));
        p = *end ? end + 1 : end;
    }
    return a;
}

static const char *name_of(const char *display_name, const char *username)
{
    return display_name[0] ? display_name : username;
}

/* A user's profile; the e-mail address only for the user themself. */
/* The URL of a person's avatar (/u/NAME/avatar: the photo or the initials, as the viewer may
 * see them), the username percent-encoded. */
static void add_avatar_url(json_object *o, const char *username)
{
    char url[256];
    size_t n = fc_strlcpy(url, "/u/", sizeof url);
    for (const unsigned char *p = (const unsigned char *)username; *p && n + 4 < sizeof url; p++)
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p))
            url[n++] = (char)*p;
        else
            n += (size_t)snprintf(url + n, sizeof url - n, "%%%02X", *p);
    url[n] = '\0';
    fc_strlcpy(url + n, "/avatar", sizeof url - n);
    add_str(o, "avatar_url", url);
}

static json_object *user_json(const struct fc_user *u, int self)
{
    json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    add_int(o, "id", u->id);
    add_str(o, "username", u->username);
    add_str(o, "display_name", name_of(u->display_name, u->username));
    if (self)
        add_str(o, "email", u->email);
    add_str(o, "bio", u->bio);
    add_str(o, "city", u->city);
    add_str(o, "price", u->price);
    add_str(o, "visibility", u->visibility);
    if (self)
        add_bool(o, "saves_private", u->saves_private);
    json_object_object_add(o, "cuisines", csv_array(u->cuisines));
    add_time(o, "created_at", u->created_at);
    add_avatar_url(o, u->username);
    return o;
}

/* A person in a list, as the profile rule lets the viewer see them. */
static json_object *person_json(struct fc_ctx *c, const struct fc_person *person)
{
    struct fc_person p = *person;
    json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    fc_store_person_redact(&p, c->user.id);
    add_str(o, "username", p.username);
    add_str(o, "display_name", name_of(p.display_name, p.username));
    add_str(o, "city", p.city);
    add_int(o, "mutual_friends", p.mutual);
    return o;
}

static json_object *people_json(struct fc_ctx *c, const struct fc_person *p, int n)
{
    json_object *a = json_object_new_array();
    for (int i = 0; a && i < n; i++)
        json_object_array_add(a, person_json(c, &p[i]));
    return a;
}

static json_object *rest_json(const struct fc_restaurant *r)
{
    json_object *o = json_object_new_object(), *loc = NULL, *rating = json_object_new_object();
    if (!o || !rating) {
        json_object_put(o);
        json_object_put(rating);
        return NULL;
    }
    add_int(o, "id", r->id);
    add_str(o, "name", r->name);
    add_str(o, "address", r->address);
    add_str(o, "city", r->city);
    add_str(o, "state", r->state);
    add_str(o, "country", r->country);
    add_str(o, "price", r->price);
    json_object_object_add(o, "cuisines", csv_array(r->cuisines));
    add_str(o, "hours", r->hours);
    add_str(o, "alcohol", r->alcohol);
    add_str(o, "smoking", r->smoking);
    add_str(o, "url", r->url);
    if (r->has_coords && (loc = json_object_new_object())) {
        add_coord(loc, "lat", r->lat);
        add_coord(loc, "lon", r->lon);
    }
    json_object_object_add(o, "location", loc);
    if (r->review_count)
        add_avg(rating, "average", r->avg_stars);
    else
        json_object_object_add(rating, "average", NULL);
    add_int(rating, "count", r->review_count);
    json_object_object_add(o, "rating", rating);
    {
        char url[64];
        snprintf(url, sizeof url, "/restaurants/%lld/tile.svg", (long long)r->id);
        add_str(o, "tile_url", url);
    }
    /* set by the lists that know where from (?near=, the user's city): rest_distance */
    json_object_object_add(o, "distance_km", NULL);
    return o;
}

/* o's distance_km from origin (null when either has no position). */
static void rest_distance(json_object *o, const struct fc_svc_origin *origin,
                          const struct fc_restaurant *r)
{
    double km = fc_svc_distance_km(origin, r);
    if (o && km >= 0) {
        char buf[32];
        snprintf(buf, sizeof buf, "%.2f", km);
        json_object_object_add(o, "distance_km", json_object_new_double_s(km, buf));
    }
}

/* {"username", "display_name"} */
static json_object *who_json(const char *username, const char *display_name)
{
    json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    add_str(o, "username", username);
    add_str(o, "display_name", name_of(display_name, username));
    return o;
}

/* {"id", "name"} */
static json_object *rest_ref_json(int64_t id, const char *name)
{
    json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    add_int(o, "id", id);
    add_str(o, "name", name);
    return o;
}

/* The photo's URL, or null. */
static json_object *photo_json(const char *photo)
{
    char url[160];
    if (!photo[0])
        return NULL;
    snprintf(url, sizeof url, "/photos/%s", photo);
    return json_object_new_string(url);
}

static json_object *review_json(struct fc_ctx *c, const struct fc_review *r, const char *username,
                                const char *display_name, const char *rest_name, int by_friend)
{
    json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    add_int(o, "id", r->id);
    add_int(o, "stars", r->stars);
    add_str(o, "body", r->body);
    json_object_object_add(o, "photo", photo_json(r->photo));
    json_object_object_add(o, "visited", r->visited[0] ? json_object_new_string(r->visited) : NULL);
    json_object_object_add(o, "author", who_json(username, display_name));
    json_object_object_add(o, "restaurant", rest_ref_json(r->restaurant_id, rest_name));
    add_bool(o, "by_friend", by_friend);
    add_bool(o, "mine", c->logged_in && r->user_id == c->user.id);
    add_time(o, "created_at", r->created_at);
    add_time(o, "updated_at", r->updated_at ? r->updated_at : r->created_at);
    return o;
}

static json_object *review_rows_json(struct fc_ctx *c, const struct fc_review_row *rows, int n)
{
    json_object *a = json_object_new_array();
    for (int i = 0; a && i < n; i++)
        json_object_array_add(a, review_json(c, &rows[i].r, rows[i].username, rows[i].display_name,
                                             rows[i].rest_name, rows[i].by_friend));
    return a;
}

/* {key: value}, value consumed. */
static json_object *wrap(const char *key, json_object *value)
{
    json_object *o = json_object_new_object();
    if (!o || !value) {
        json_object_put(o);
        json_object_put(value);
        return NULL;
    }
    json_object_object_add(o, key, value);
    return o;
}

/* ---- request bodies and parameters -------------------------------------------------------- */

/* Parses the body as a JSON object into *in (an empty body counts as {}): strict RFC 8259
 * (core/json.c), so that nothing json-c alone would accept or change gets through. */
static int read_body(struct fc_ctx *c, json_object **in)
{
    const char *ct = c->req.content_type;
    char why[200];
    int rc;

    *in = NULL;
    if (!c->req.body_len) {
        *in = json_object_new_object();
        return *in ? FC_OK : fail500(c, "json");
    }
    if (strncasecmp(ct, "application/json", 16) != 0 || (ct[16] && ct[16] != ';' && ct[16] != ' '))
        return fail(c, 415, "unsupported_media_type", NULL,
                    "Send the body as JSON with Content-Type: application/json.");
    rc = fc_json_parse_strict(c->req.body, c->req.body_len, in, why, sizeof why);
    if (rc == FC_ERR)
        return fail500(c, "json");
    if (rc)
        return fail(c, 400, "invalid_json", NULL, "The body is not valid JSON (%s).", why);
    if (!json_object_is_type(*in, json_type_object)) {
        json_object_put(*in);
        *in = NULL;
        return fail(c, 400, "invalid_json", NULL, "The body must be a JSON object.");
    }
    return FC_OK;
}

/* Refuses members of in that are not in names (NULL-terminated): they are likely typos. */
static int only_fields(struct fc_ctx *c, json_object *in, const char *const *names)
{
    struct json_object_iterator it = json_object_iter_begin(in), end = json_object_iter_end(in);
    for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
        const char *key = json_object_iter_peek_name(&it);
        size_t i = 0;
        while (names[i] && strcmp(names[i], key) != 0)
            i++;
        if (!names[i])
            return fail(c, 422, "unknown_field", key, "This request has no such field.");
    }
    return FC_OK;
}

/* String member name of in into *out (NULL when absent and not required). */
static int field_str(struct fc_ctx *c, json_object *in, const char *name, int required,
                     const char **out)
{
    json_object *v = NULL;
    *out = NULL;
    if (!json_object_object_get_ex(in, name, &v)) {
        if (required)
            return fail(c, 422, "missing_field", name, "The field \"%s\" is required.", name);
        return FC_OK;
    }
    if (!json_object_is_type(v, json_type_string))
        return fail(c, 422, "invalid_type", name, "The field \"%s\" must be a string.", name);
    if (!fc_utf8_valid(json_object_get_string(v), (size_t)json_object_get_string_len(v)))
        return fail(c, 422, "invalid_value", name,
                    "The field \"%s\" must be text without control characters.", name);
    *out = json_object_get_string(v);
    return FC_OK;
}

/* Integer member name of in, within [min, max] (else range_msg). */
static int field_int(struct fc_ctx *c, json_object *in, const char *name, long min, long max,
                     long *out, const char *range_msg)
{
    json_object *v = NULL;
    int64_t x;
    if (!json_object_object_get_ex(in, name, &v))
        return fail(c, 422, "missing_field", name, "The field \"%s\" is required.", name);
    if (!json_object_is_type(v, json_type_int))
        return fail(c, 422, "invalid_type", name, "The field \"%s\" must be a whole number.", name);
    x = json_object_get_int64(v);
    if (x < min || x > max)
        return fail(c, 422, "invalid_value", name, "%s", range_msg);
    *out = (long)x;
    return FC_OK;
}

/* Boolean member name of in (*out unchanged when absent). */
static int field_bool(struct fc_ctx *c, json_object *in, const char *name, int *out)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(in, name, &v))
        return FC_OK;
    if (!json_object_is_type(v, json_type_boolean))
        return fail(c, 422, "invalid_type", name, "The field \"%s\" must be true or false.", name);
    *out = json_object_get_boolean(v);
    return FC_OK;
}

/* ---- accounts ----------------------------------------------------------------------------- */

/* {"token", "token_type", "user"} for a fresh session of u. */
static int send_token(struct fc_ctx *c, int status, const struct fc_user *u)
{
    char token[65];
    json_object *o;
    if (fc_session_begin_token(c, u, token))
        return fail500(c, "session");
    /* the auth backend keeps its own tokens (Cognito) in the session record */
    if (fc_auth_session_attach(c->app->auth, c->session_hash, u)) {
        fc_session_end(c);
        return fail500(c, "session");
    }
    o = json_object_new_object();
    if (o) {
        add_str(o, "token", token);
        add_str(o, "token_type", "Bearer");
        json_object_object_add(o, "user", user_json(u, 1));
    }
    return send_json(c, status, o);
}

/* POST /api/v1/signup {"username", "email", "password", "display_name"} */
static int api_signup(struct fc_ctx *c)
{
    static const char *const names[] = {"username", "email", "password", "display_name", NULL};
    struct fc_signup s = {0};
    struct fc_auth_error err = {"", ""};
    struct fc_user u = {0};
    json_object *in = NULL;
    int rc, retry_after;

    if (read_body(c, &in) || only_fields(c, in, names) ||
        field_str(c, in, "username", 1, &s.username) || field_str(c, in, "email", 1, &s.email) ||
        field_str(c, in, "password", 1, &s.password) ||
        field_str(c, in, "display_name", 0, &s.display_name))
        goto out;
    rc = fc_auth_signup(c->app->auth, &s, c->req.remote_addr, &u, &err, &retry_after);
    if (rc == FC_AUTH_CONFIRM) {
        json_object *o = json_object_new_object();
        if (o) {
            add_str(o, "status", "confirmation_required");
            add_str(o, "message",
                    "Account created: confirm it with the code sent to your e-mail, then log in.");
        }
        send_json(c, 202, o);
    } else if (rc == FC_EINVAL)
        fail(c, 422, "invalid_value", err.field[0] ? err.field : NULL, "%s.", err.message);
    else if (rc == FC_EXISTS)
        fail(c, 409, strcmp(err.field, "email") == 0 ? "email_taken" : "username_taken",
             err.field[0] ? err.field : NULL, "%s.", err.message);
    else if (rc == FC_ETHROTTLE) {
        if (retry_after > 0)
            fc_resp_header(&c->resp, "Retry-After", "%d", retry_after);
        fail(c, 429, "throttled", NULL, "%s", err.message);
    } else if (rc) {
        fail500(c, "signup");
    } else {
        /* the new member as stored (created_at...), read as themself */
        struct fc_svc sv = fc_app_svc(c);
        struct fc_svc_result res;
        struct fc_user self = u; /* takes u's text: u is read again */
        sv.actor = &self;
        if (fc_svc_profile_own(&sv, NULL, &u, &res))
            fc_error_result(c, &res);
        else
            send_token(c, 201, &u);
        fc_user_clear(&self);
    }
out:
    fc_user_clear(&u);
    json_object_put(in);
    return 0;
}

/* POST /api/v1/login {"username", "password"} (throttled like the form) */
static int api_login(struct fc_ctx *c)
{
    static const char *const names[] = {"username", "password", NULL};
    struct fc_auth_error err = {"", ""};
    const char *name, *pw;
    struct fc_user u = {0};
    json_object *in = NULL;
    int rc;

    if (read_body(c, &in) || only_fields(c, in, names) || field_str(c, in, "username", 1, &name) ||
        field_str(c, in, "password", 1, &pw))
        goto out;
    if (!*name || !*pw) {
        fail(c, 422, "invalid_value", *name ? "password" : "username",
             "Enter your username and password.");
        goto out;
    }
    rc = c->app->auth->ops->login(c->app->auth, name, pw, c->req.remote_addr, &u, &err);
    switch (rc) {
    case FC_OK:
        send_token(c, 200, &u);
        break;
    case FC_EAUTH:
        fc_resp_header(&c->resp, "WWW-Authenticate", "Bearer realm=\"forkcast\"");
        fail(c, 401, "invalid_credentials", NULL, "%s.", err.message);
        break;
    case FC_ETHROTTLE:
        fc_resp_header(&c->resp, "Retry-After", "%d",
                       fc_config_int(c->app->cfg, "Auth.Throttle.Window", 900));
        fail(c, 429, "throttled", NULL, "%s", err.message);
        break;
    case FC_EDISABLED:
        fail(c, 403, "account_disabled", NULL, "%s", err.message);
        break;
    case FC_AUTH_CONFIRM:
        fail(c, 403, "account_not_confirmed", NULL,
             "Confirm your account with the code sent to your e-mail first.");
        break;
    default:
        fail500(c, "login");
    }
out:
    fc_user_clear(&u);
    json_object_put(in);
    return 0;
}

/* POST /api/v1/logout: the token stops working. */
static int api_logout(struct fc_ctx *c)
{
    fc_auth_logout(c->app->auth, c->session_hash);
    if (fc_session_end(c)) {
        fail500(c, "logout");
        return 0;
    }
    return send_none(c);
}

/* ---- profiles ----------------------------------------------------------------------------- */

/* The user's own profile with e-mail address and review count. */
static int send_me(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_svc_profile p;
    json_object *o;
    int rc = fc_svc_profile_get(&sv, c->user.username, &p, &res);
    o = rc ? NULL : user_json(&p.user, 1);
    fc_user_clear(&p.user);
    if (rc)
        return fc_error_result(c, &res);
    if (o)
        add_int(o, "review_count", p.review_count);
    return send_json(c, 200, o);
}

/* GET /api/v1/me */
static int api_me(struct fc_ctx *c)
{
    send_me(c);
    return 0;
}

/* The "cuisines" array v as the list of names it holds (malloc'ed, *n of them). */
static int read_cuisines(struct fc_ctx *c, json_object *v, const char ***names, size_t *n)
{
    *names = NULL;
    *n = 0;
    if (!json_object_is_type(v, json_type_array))
        return fail(c, 422, "invalid_type", "cuisines",
                    "The field \"cuisines\" must be an array of strings.");
    *n = json_object_array_length(v);
    *names = calloc(*n + 1, sizeof **names);
    if (!*names)
        return fail500(c, "cuisines");
    for (size_t i = 0; i < *n; i++) {
        json_object *e = json_object_array_get_idx(v, i);
        if (!json_object_is_type(e, json_type_string))
            return fail(c, 422, "invalid_type", "cuisines",
                        "The field \"cuisines\" must be an array of strings.");
        (*names)[i] = json_object_get_string(e);
    }
    return FC_OK;
}

/* PATCH /api/v1/me: the fields sent change, under the profile form's rules. */
static int api_me_patch(struct fc_ctx *c)
{
    static const char *const names[] = {"display_name", "bio",      "city",          "price",
                                        "visibility",   "cuisines", "saves_private", NULL};
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_svc_profile_edit e = {0};
    const char **cuisines = NULL;
    struct fc_user u = {0};
    json_object *in = NULL, *cu = NULL;

    if (read_body(c, &in) || only_fields(c, in, names) ||
        field_str(c, in, "display_name", 0, &e.display_name) ||
        field_str(c, in, "bio", 0, &e.bio) || field_str(c, in, "city", 0, &e.city) ||
        field_str(c, in, "price", 0, &e.price) || field_str(c, in, "visibility", 0, &e.visibility))
        goto out;
    e.saves_private = -1;
    if (field_bool(c, in, "saves_private", &e.saves_private))
        goto out;
    e.set_saves_private = e.saves_private >= 0;
    if (json_object_object_get_ex(in, "cuisines", &cu)) {
        if (read_cuisines(c, cu, &cuisines, &e.ncuisines))
            goto out;
        e.set_cuisines = 1;
        e.cuisines = cuisines;
    }
    if (fc_svc_profile_edit(&sv, NULL, &e, &u, &res)) {
        fc_error_result(c, &res);
        goto out;
    }
    fc_user_clear(&c->user);
    c->user = u; /* the context's user takes u's text */
    memset(&u, 0, sizeof u);
    send_me(c);
out:
    fc_user_clear(&u);
    free(cuisines);
    json_object_put(in);
    return 0;
}

/* GET /api/v1/users/:username */
static int api_user(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_svc_profile p;
    json_object *o, *r = NULL;
    int visible;

    if (token_ok(c))
        return 0;
    if (fc_svc_profile_get(&sv, c->args[0], &p, &res)) {
        fc_user_clear(&p.user);
        return fc_error_result(c, &res);
    }
    visible = (p.fields & FC_FIELD_PROFILE) != 0;
    if (visible) {
        o = user_json(&p.user, 0);
        if (o)
            add_int(o, "review_count", p.review_count);
    } else if ((o = json_object_new_object())) {
        /* friends only: the name, and that there is more for friends */
        add_str(o, "username", p.user.username);
        add_str(o, "display_name", name_of(p.user.display_name, p.user.username));
        add_str(o, "visibility", p.user.visibility);
        add_avatar_url(o, p.user.username);
    }
    if (o) {
        add_bool(o, "hidden", !visible);
        add_bool(o, "self", p.self);
        if (c->logged_in && !p.self && (r = json_object_new_object())) {
            add_bool(r, "friend", p.rel & FC_REL_FRIEND);
            add_bool(r, "request_sent", p.rel & FC_REL_REQ_OUT);
            add_bool(r, "request_received", p.rel & FC_REL_REQ_IN);
            add_bool(r, "blocked", p.rel & FC_REL_BLOCKED);
            add_int(r, "mutual_friends", p.mutual);
        }
        json_object_object_add(o, "relation", r);
    }
    fc_user_clear(&p.user);
    return send_json(c, 200, o);
}

/* GET /api/v1/users/:username/reviews */
static int api_user_reviews(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_svc_profile p;
    struct fc_review_row *rows = NULL;
    json_object *o;
    int n = 0, rc;

    if (token_ok(c))
        return 0;
    rc = fc_svc_profile_get(&sv, c->args[0], &p, &res);
    fc_user_clear(&p.user); /* who they are and what may be seen is what counts */
    if (rc)
        return fc_error_result(c, &res);
    rows = malloc(REVIEW_MAX * sizeof *rows);
    if (!rows) {
        fail500(c, "reviews by user");
        return 0;
    }
    if (fc_svc_profile_reviews(&sv, &p, rows, REVIEW_MAX, &n, &res)) {
        free(rows);
        return fc_error_result(c, &res);
    }
    o = wrap("items", review_rows_json(c, rows, n));
    if (o)
        add_bool(o, "hidden", !(p.fields & FC_FIELD_PROFILE));
    fc_review_rows_free(rows, n);
    return send_json(c, 200, o);
}

/* GET /api/v1/users?q=: people search, as on the friends page. */
static int api_users_search(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_person *p = calloc(30, sizeof *p);
    int n = 0;
    if (!p) {
        fail500(c, "people search");
        return 0;
    }
    if (fc_svc_profile_search(&sv, fc_query(c, "q"), p, 30, &n, &res))
        fc_error_result(c, &res);
    else
        send_json(c, 200, wrap("items", people_json(c, p, n)));
    free(p);
    return 0;
}

/* ---- friends and blocks ------------------------------------------------------------------- */

/* GET /api/v1/friends */
static int api_friends(struct fc_ctx *c)
{
    static const struct {
        enum fc_person_list which;
        const char *key;
        int max;
    } lists[] = {{FC_LIST_FRIENDS, "friends", LIST_MAX},
                 {FC_LIST_REQ_IN, "incoming", LIST_MAX},
                 {FC_LIST_REQ_OUT, "outgoing", LIST_MAX},
                 {FC_LIST_SUGGEST, "suggested", 10}};
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_person *p = calloc(LIST_MAX, sizeof *p);
    json_object *o = json_object_new_object();
    int n;

    if (!p || !o) {
        free(p);
        json_object_put(o);
        fail500(c, "friends");
        return 0;
    }
    for (size_t i = 0; i < FC_ARRAY_LEN(lists); i++) {
        if (fc_svc_friend_list(&sv, lists[i].which, p, lists[i].max, &n, &res)) {
            free(p);
            json_object_put(o);
            return fc_error_result(c, &res);
        }
        json_object_object_add(o, lists[i].key, people_json(c, p, n));
    }
    free(p);
    return send_json(c, 200, o);
}

/* A friend action on name (field: the body's member naming them, or NULL for the path): the
 * result as JSON: {"status", "user": person} (201 or 200) or nothing (204). */
static int friend_act(struct fc_ctx *c, enum fc_rules_act act, const char *name, const char *field)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_svc_friend_out out;
    struct fc_svc_friend_in in = {act, name, field};
    json_object *o;
    if (fc_svc_friend_act(&sv, &in, &out, &res))
        return fc_error_result(c, &res);
    if (!out.state)
        return send_none(c);
    o = json_object_new_object();
    if (o) {
        add_str(o, "status", out.state);
        json_object_object_add(o, "user", person_json(c, &out.other));
    }
    return send_json(c, res.status, o);
}

/* POST /api/v1/friends/requests {"username"}: asks; if they had asked you, you are friends. */
static int api_friend_request(struct fc_ctx *c)
{
    static const char *const names[] = {"username", NULL};
    const char *name;
    json_object *in = NULL;
    if (!read_body(c, &in) && !only_fields(c, in, names) && !field_str(c, in, "username", 1, &name))
        friend_act(c, FC_ACT_REQUEST, name, "username");
    json_object_put(in);
    return 0;
}

/* POST /api/v1/friends/requests/:username/accept */
static int api_friend_accept(struct fc_ctx *c)
{
    return friend_act(c, FC_ACT_ACCEPT, c->args[0], NULL);
}

/* DELETE /api/v1/friends/requests/:username: declines theirs or cancels yours. */
static int api_friend_request_delete(struct fc_ctx *c)
{
    return friend_act(c, FC_ACT_WITHDRAW, c->args[0], NULL);
}

/* DELETE /api/v1/friends/:username */
static int api_friend_remove(struct fc_ctx *c)
{
    return friend_act(c, FC_ACT_REMOVE, c->args[0], NULL);
}

/* GET /api/v1/blocks */
static int api_blocks(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_person *p = calloc(LIST_MAX, sizeof *p);
    int n = 0;
    if (!p) {
        fail500(c, "blocked list");
        return 0;
    }
    if (fc_svc_friend_list(&sv, FC_LIST_BLOCKED, p, LIST_MAX, &n, &res))
        fc_error_result(c, &res);
    else
        send_json(c, 200, wrap("blocked", people_json(c, p, n)));
    free(p);
    return 0;
}

/* PUT and DELETE /api/v1/blocks/:username (someone who blocked you can be blocked back). */
static int api_block(struct fc_ctx *c)
{
    return friend_act(c, strcmp(c->req.method, "PUT") == 0 ? FC_ACT_BLOCK : FC_ACT_UNBLOCK,
                      c->args[0], NULL);
}

/* ---- restaurants -------------------------------------------------------------------------- */

/* GET /api/v1/restaurants?q=&cuisine=&price=&city=&page=&sort=&near=&open=&open_at= */
static int api_restaurants(struct fc_ctx *c)
{
    struct fc_svc_result res;
    struct fc_svc_search_in in;
    struct fc_svc_search_out out;
    struct fc_svc_origin origin, by;
    json_object *o, *items;

    if (token_ok(c))
        return 0;
    if (pages_search(c, 0, &in, &out, &origin, &by, &res))
        return fc_error_result(c, &res);
    items = json_object_new_array();
    for (int i = 0; items && i < out.n; i++) {
        const struct fc_restaurant *r = &out.rows[i];
        json_object *it = rest_json(r), *rating, *f;
        if (it && json_object_object_get_ex(it, "rating", &rating))
            add_avg(rating, "bayesian",
                    fc_rules_bayes(lround(r->avg_stars * r->review_count), r->review_count));
        if (it && out.sort == FC_SORT_FRIENDS && (f = json_object_new_object())) {
            add_int(f, "count", r->friends_count);
            if (r->friends_count)
                add_avg(f, "average", r->friends_avg);
            else
                json_object_object_add(f, "average", NULL);
            json_object_object_add(it, "friends", f);
        }
        /* one distance: sorted by it, from the sort's point (near, the city's or the home
         * city's centre); otherwise from near or the home city */
        rest_distance(it, out.sort == FC_SORT_NEAREST ? &by : &origin, r);
        json_object_array_add(items, it);
    }
    fc_svc_search_free(&out);
    o = wrap("items", items);
    if (o) {
        add_int(o, "total", out.total);
        add_int(o, "page", out.page);
        add_int(o, "pages", out.pages);
        add_int(o, "per_page", out.per_page);
        add_str(o, "sort", out.sort_name);
        if (out.has_near) {
            json_object *from = json_object_new_object();
            if (from) {
                add_coord(from, "lat", out.near_lat);
                add_coord(from, "lon", out.near_lon);
                add_str(from, "from", out.near_from);
            }
            json_object_object_add(o, "near", from);
        }
        if (out.open_at)
            add_int(o, "open_at", out.open_at);
    }
    return send_json(c, 200, o);
}

/* GET /api/v1/restaurants/:id; for a user also friends' rating, saved state, own review. */
static int api_restaurant(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_svc_restaurant_view v;
    struct fc_svc_origin origin;
    json_object *o, *f = NULL, *my = NULL;

    if (token_ok(c))
        return 0;
    if (fc_svc_origin(&sv, fc_query(c, "near"), &origin, &res))
        return fc_error_result(c, &res);
    /* the interaction log, as the page does */
    if (fc_svc_restaurant_view(&sv, pages_arg_id(c, 0), 0, 1, &v, &res))
        return fc_error_result(c, &res);
    if (fc_svc_restaurant_stars(&sv, v.rest.id, v.stars, &res)) {
        fc_svc_restaurant_view_free(&v);
        return fc_error_result(c, &res);
    }
    o = rest_json(&v.rest);
    rest_distance(o, &origin, &v.rest);
    if (o) {
        json_object *dist = json_object_new_object(), *rating;
        for (int st = 5; dist && st >= 1; st--) {
            char k[12];
            snprintf(k, sizeof k, "%d", st);
            add_int(dist, k, v.stars[st - 1]);
        }
        if (json_object_object_get_ex(o, "rating", &rating))
            json_object_object_add(rating, "distribution", dist);
        else
            json_object_put(dist);
        if (c->logged_in && (f = json_object_new_object())) {
            add_int(f, "count", v.friends_count);
            if (v.friends_count)
                add_avg(f, "average", v.friends_avg);
            else
                json_object_object_add(f, "average", NULL);
        }
        json_object_object_add(o, "friends", f);
        json_object_object_add(o, "saved", c->logged_in ? json_object_new_boolean(v.saved) : NULL);
        if (v.has_mine)
            my = review_json(c, &v.mine, c->user.username, c->user.display_name, v.rest.name, 0);
        json_object_object_add(o, "my_review", my);
    }
    fc_svc_restaurant_view_free(&v);
    return send_json(c, 200, o);
}

/* GET /api/v1/restaurants/:id/reviews?page=: those the viewer may see, friends' first, a page
 * at a time as on the restaurant's page. */
static int api_rest_reviews(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_review_row *rows = NULL;
    json_object *o;
    int n = 0, page = 1, more = 0;

    if (token_ok(c))
        return 0;
    if (fc_svc_restaurant_reviews_page(&sv, pages_arg_id(c, 0), fc_query(c, "page"), &rows, &n,
                                       &page, &more, &res))
        return fc_error_result(c, &res);
    o = wrap("items", review_rows_json(c, rows, n));
    if (o) {
        add_int(o, "page", page);
        add_int(o, "per_page", FC_SVC_REVIEWS_PER_PAGE);
        add_bool(o, "more", more);
    }
    send_json(c, 200, o);
    fc_review_rows_free(rows, n);
    return 0;
}

/* GET /api/v1/restaurants/:id/photos: the gallery, the photos of the reviews the viewer may
 * see, as the restaurant page shows them. */
static int api_rest_photos(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_review_row *rows = NULL;
    int n = 0, idx[REVIEW_MAX], k;
    json_object *items;

    if (token_ok(c))
        return 0;
    if (fc_svc_restaurant_reviews(&sv, pages_arg_id(c, 0), REVIEW_MAX, &rows, &n, &res))
        return fc_error_result(c, &res);
    k = fc_svc_gallery(rows, n, idx, REVIEW_MAX);
    items = json_object_new_array();
    for (int j = 0; items && j < k; j++) {
        const struct fc_review_row *rv = &rows[idx[j]];
        json_object *o = json_object_new_object();
        if (!o)
            continue;
        json_object_object_add(o, "url", photo_json(rv->r.photo));
        add_int(o, "review_id", rv->r.id);
        add_str(o, "username", rv->username);
        add_str(o, "display_name", name_of(rv->display_name, rv->username));
        json_object_array_add(items, o);
    }
    fc_review_rows_free(rows, n);
    return send_json(c, 200, wrap("items", items));
}

/* A new JSON array of l's strings. */
static json_object *strlist_array(const struct fc_strlist *l)
{
    json_object *a = json_object_new_array();
    for (size_t i = 0; a && i < l->n; i++)
        json_object_array_add(a, json_object_new_string(l->v[i]));
    return a;
}

/* GET /api/v1/facets: the cuisines and cities restaurants have (the choices for a profile). */
static int api_facets(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_strlist cuis, cities;
    json_object *o = NULL;
    int status;

    if (token_ok(c))
        return 0;
    if (fc_svc_restaurant_facets(&sv, &cuis, &cities, &res))
        status = fc_error_result(c, &res);
    else {
        o = wrap("cuisines", strlist_array(&cuis));
        if (o)
            json_object_object_add(o, "cities", strlist_array(&cities));
        status = send_json(c, 200, o);
    }
    fc_strlist_free(&cuis);
    fc_strlist_free(&cities);
    return status;
}

/* ---- avatars ------------------------------------------------------------------------------ */

/* {"avatar_url", "avatar_photo"} of the actor. */
static int send_avatar(struct fc_ctx *c, int photo)
{
    json_object *o = json_object_new_object();
    if (o) {
        add_avatar_url(o, c->user.username);
        add_bool(o, "avatar_photo", photo);
    }
    return send_json(c, 200, o);
}

/* POST /api/v1/me/avatar: multipart/form-data with the file part "photo". */
static int api_avatar_put(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    const struct fc_param *photo = fc_param_get(&c->req.form, "photo");
    if (!photo || !photo->filename ||
        strncasecmp(c->req.content_type, "multipart/form-data", 19) != 0) {
        fail(c, 400, "invalid_value", "photo",
             "Send the picture as multipart/form-data, in a file part named \"photo\".");
        return 0;
    }
    if (fc_svc_avatar_set(&sv, photo->value, photo->len, &res))
        return fc_error_result(c, &res);
    return send_avatar(c, 1);
}

/* DELETE /api/v1/me/avatar: the initials again. */
static int api_avatar_delete(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    if (fc_svc_avatar_remove(&sv, &res))
        return fc_error_result(c, &res);
    return send_avatar(c, 0);
}

/* ---- reviews ------------------------------------------------------------------------------ */

/* 1 when the body is multipart/form-data (a review with a photo). */
static int is_multipart(struct fc_ctx *c)
{
    return strncasecmp(c->req.content_type, "multipart/form-data", 19) == 0;
}

/* Reads a review sent as multipart/form-data (the text fields as form parts, the photo as a
 * file part "photo") into in; the strings stay the request's. */
static int read_review_form(struct fc_ctx *c, struct fc_svc_review_in *in)
{
    static const char *const names[] = {"stars", "body", "visited", "remove_photo", "photo", NULL};
    const struct fc_param *photo = fc_param_get(&c->req.form, "photo");
    const char *stars = fc_form(c, "stars"), *remove = fc_form(c, "remove_photo");
    long v;
    for (size_t i = 0; i < c->req.form.n; i++) {
        size_t k = 0;
        while (names[k] && strcmp(names[k], c->req.form.v[i].name) != 0)
            k++;
        if (!names[k])
            return fail(c, 422, "unknown_field", c->req.form.v[i].name,
                        "This request has no such field.");
    }
    if (!*stars)
        return fail(c, 422, "missing_field", "stars", "The field \"stars\" is required.");
    if (fc_parse_int(stars, -0x7fffffffL, 0x7fffffffL, &v))
        return fail(c, 422, "invalid_type", "stars", "The field \"stars\" must be a whole number.");
    in->stars = v < 1 || v > 5 ? 0 : (int)v;
    in->body = fc_form(c, "body");
    in->visited = fc_form(c, "visited");
    if (*remove && strcmp(remove, "true") && strcmp(remove, "false") && strcmp(remove, "1") &&
        strcmp(remove, "0"))
        return fail(c, 422, "invalid_type", "remove_photo",
                    "The field \"remove_photo\" must be true or false.");
    in->remove_photo = strcmp(remove, "true") == 0 || strcmp(remove, "1") == 0;
    if (photo && photo->filename && photo->len > 0) {
        in->photo = photo->value;
        in->photo_len = photo->len;
    }
    return FC_OK;
}

/* Reads the review of the request (JSON: {"stars", "body", "visited"} and, on update,
 * "remove_photo"; or multipart/form-data with a photo) into in; *json is the parsed body, which
 * the strings of in point into (the caller puts it). */
static int read_review(struct fc_ctx *c, int update, json_object **json,
                       struct fc_svc_review_in *in)
{
    static const char *const create[] = {"stars", "body", "visited", NULL};
    static const char *const upd[] = {"stars", "body", "visited", "remove_photo", NULL};
    long stars = 0;
    *json = NULL;
    if (is_multipart(c))
        return read_review_form(c, in);
    if (read_body(c, json) || only_fields(c, *json, update ? upd : create) ||
        field_int(c, *json, "stars", -0x7fffffffL, 0x7fffffffL, &stars, "") ||
        field_str(c, *json, "body", 0, &in->body) ||
        field_str(c, *json, "visited", 0, &in->visited) ||
        (update && field_bool(c, *json, "remove_photo", &in->remove_photo)))
        return FC_EINVAL;
    in->stars = stars < 1 || stars > 5 ? 0 : (int)stars; /* the service says what is allowed */
    return FC_OK;
}

/* Answers a review written (201 new, 200 rewritten) with its Location. */
static int send_review(struct fc_ctx *c, int status, const struct fc_review *r)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_restaurant rest;
    json_object *o;
    if (fc_svc_restaurant_get(&sv, r->restaurant_id, &rest, &res))
        return fc_error_result(c, &res);
    fc_resp_header(&c->resp, "Location", "/api/v1/reviews/%" PRId64, r->id);
    o = review_json(c, r, c->user.username, c->user.display_name, rest.name, 0);
    fc_restaurant_clear(&rest);
    return send_json(c, status, o);
}

/* POST /api/v1/restaurants/:id/reviews: your review of a restaurant; when you reviewed it
 * already, that review is rewritten (200), as on the web.
 * PUT /api/v1/reviews/:id {"stars", "body", "visited", "remove_photo"} (or multipart with a
 * photo): rewrites your review. */
static int api_review_write(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_svc_review_in in = {0};
    struct fc_review r = {0};
    json_object *in_json = NULL;
    int64_t id = pages_arg_id(c, 0);
    int update = strcmp(c->req.method, "PUT") == 0;

    if (update)
        in.review_id = id;
    else
        in.restaurant_id = id;
    if (!id)
        fail(c, 404, update ? "review_not_found" : "restaurant_not_found", NULL,
             update ? "There is no such review." : "There is no such restaurant.");
    else if (read_review(c, update, &in_json, &in))
        ;
    else if (fc_svc_review_write(&sv, &in, &r, &res))
        fc_error_result(c, &res);
    else
        send_review(c, update ? 200 : res.status, &r);
    fc_review_clear(&r);
    json_object_put(in_json);
    return 0;
}

/* GET /api/v1/reviews/:id: one review, if the viewer may see it (else 404). */
static int api_review_get(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_review_row row;
    json_object *o;

    if (token_ok(c))
        return 0;
    if (fc_svc_review_get(&sv, pages_arg_id(c, 0), &row, &res))
        return fc_error_result(c, &res);
    o = review_json(c, &row.r, row.username, row.display_name, row.rest_name, row.by_friend);
    fc_review_clear(&row.r);
    return send_json(c, 200, o);
}

/* DELETE /api/v1/reviews/:id */
static int api_review_delete(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_review r;
    if (fc_svc_review_delete(&sv, pages_arg_id(c, 0), &r, &res))
        return fc_error_result(c, &res);
    fc_review_clear(&r);
    return send_none(c);
}

/* ---- want to go --------------------------------------------------------------------------- */

/* GET /api/v1/saved */
static int api_saved(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_restaurant *rows = NULL;
    struct fc_save_note *notes = NULL;
    json_object *items;
    int n = 0, nn = 0;
    if (fc_svc_save_list(&sv, &rows, &n, &res) || fc_svc_save_notes(&sv, n, &notes, &nn, &res)) {
        fc_restaurants_free(rows, n);
        return fc_error_result(c, &res);
    }
    items = json_object_new_array();
    for (int i = 0; items && i < n; i++) {
        json_object *o = rest_json(&rows[i]);
        if (o) /* the owner's private note: this list is only ever the caller's own */
            add_str(o, "note", fc_svc_save_note_of(notes, nn, rows[i].id));
        json_object_array_add(items, o);
    }
    free(notes);
    fc_restaurants_free(rows, n);
    return send_json(c, 200, wrap("items", items));
}

/* PUT and DELETE /api/v1/saved/:id: save or unsave a restaurant (logged as events); PUT
 * {"note": "..."} also sets the owner's private note on it. */
static int api_save(struct fc_ctx *c)
{
    static const char *const names[] = {"note", NULL};
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    json_object *in = NULL;
    const char *note = NULL;
    int put = strcmp(c->req.method, "PUT") == 0;

    if (put &&
        (read_body(c, &in) || only_fields(c, in, names) || field_str(c, in, "note", 0, &note)))
        goto out;
    if (fc_svc_save_set(&sv, pages_arg_id(c, 0), put, &res) ||
        (note && fc_svc_save_note_set(&sv, pages_arg_id(c, 0), note, &res)))
        fc_error_result(c, &res);
    else
        send_none(c);
out:
    json_object_put(in);
    return 0;
}

/* POST /api/v1/saved/:id/been: off the want-to-go list; answers where to post the review. */
static int api_been(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    json_object *o;
    char to[64];
    int64_t id = pages_arg_id(c, 0);
    if (fc_svc_save_been(&sv, id, &res))
        return fc_error_result(c, &res);
    o = json_object_new_object();
    json_object_object_add(o, "saved", json_object_new_boolean(0));
    snprintf(to, sizeof to, "/api/v1/restaurants/%lld/reviews", (long long)id);
    add_str(o, "review", to);
    return send_json(c, 200, o);
}

/* ---- feed and recommendations ------------------------------------------------------------- */

static json_object *feed_item_json(const struct fc_feed_item *it)
{
    json_object *e = json_object_new_object();
    char key[80];
    if (!e)
        return NULL;
    fc_svc_feed_cursor_format(key, sizeof key, it);
    add_str(e, "cursor", key);
    add_str(e, "kind", it->kind == FC_FEED_REVIEW ? "review" : "save");
    add_int(e, "id", it->id);
    add_time(e, "at", it->at);
    json_object_object_add(e, "user", who_json(it->username, it->display_name));
    json_object_object_add(e, "restaurant", rest_ref_json(it->restaurant_id, it->rest_name));
    if (it->kind == FC_FEED_REVIEW) {
        add_int(e, "stars", it->stars);
        add_str(e, "body", it->body);
        json_object_object_add(e, "photo", photo_json(it->photo));
        json_object_object_add(e, "visited",
                               it->visited[0] ? json_object_new_string(it->visited) : NULL);
    } else {
        json_object_object_add(e, "stars", NULL);
        json_object_object_add(e, "body", NULL);
        json_object_object_add(e, "photo", NULL);
        json_object_object_add(e, "visited", NULL);
    }
    return e;
}

/* GET /api/v1/feed?after=CURSOR: friends' reviews and saves, newest first (keyset pages). */
static int api_feed(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_svc_feed_out out;
    json_object *o, *items;

    if (fc_svc_feed(&sv, fc_query(c, "after"), &out, &res))
        return fc_error_result(c, &res);
    items = json_object_new_array();
    for (int i = 0; items && i < out.n; i++)
        json_object_array_add(items, feed_item_json(&out.items[i]));
    o = wrap("items", items);
    if (o)
        json_object_object_add(o, "next", out.next[0] ? json_object_new_string(out.next) : NULL);
    fc_svc_feed_free(&out);
    return send_json(c, 200, o);
}

/* GET /api/v1/friends/recommend: restaurants friends rated 4-5 stars. */
static int api_friends_recommend(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_friend_rec *recs = NULL;
    json_object *items;
    int n = 0;
    if (fc_svc_friends_recommend(&sv, 0, &recs, &n, &res))
        return fc_error_result(c, &res);
    items = json_object_new_array();
    for (int i = 0; items && i < n; i++) {
        json_object *e = json_object_new_object(), *r = json_object_new_object();
        if (!e || !r) {
            json_object_put(e);
            json_object_put(r);
            break;
        }
        add_int(r, "id", recs[i].restaurant_id);
        add_str(r, "name", recs[i].name);
        add_str(r, "city", recs[i].city);
        json_object_object_add(e, "restaurant", r);
        add_int(e, "friends", recs[i].friends);
        add_avg(e, "average", recs[i].avg);
        add_str(e, "who", recs[i].who);
        add_time(e, "latest", recs[i].latest);
        json_object_array_add(items, e);
    }
    free(recs);
    return send_json(c, 200, wrap("items", items));
}

/* One recommendation: the restaurant and why (the reason and the fields that go with it;
 * null where they do not apply). */
static json_object *rec_json(const struct fc_svc_rec *r)
{
    json_object *o = json_object_new_object(), *f = NULL;
    if (!o)
        return NULL;
    json_object_object_add(o, "restaurant", rest_json(&r->rest));
    add_str(o, "reason", fc_rec_why_name(r->why.reason));
    if (r->why.reason == REC_WHY_FRIENDS && (f = json_object_new_object())) {
        json_object *names = json_object_new_array();
        for (int i = 0; names && i < r->n_names; i++)
            json_object_array_add(names, who_json(r->names[i].username, r->names[i].display_name));
        add_int(f, "count", r->why.n_friends);
        add_avg(f, "average", r->why.friends_avg);
        json_object_object_add(f, "names", names);
    }
    json_object_object_add(o, "friends", f);
    json_object_object_add(o, "because",
                           r->why.reason == REC_WHY_BECAUSE && r->because_id
                               ? rest_ref_json(r->because_id, r->because_name)
                               : NULL);
    json_object_object_add(o, "cuisine",
                           r->why.reason == REC_WHY_CUISINE && r->why.cuisine[0]
                               ? json_object_new_string(r->why.cuisine)
                               : NULL);
    return o;
}

/* {"items": [recommendation...]}; recs freed. */
static int send_recs(struct fc_ctx *c, struct fc_svc_rec *recs, size_t n)
{
    json_object *items = json_object_new_array();
    for (size_t i = 0; items && i < n; i++)
        json_object_array_add(items, rec_json(&recs[i]));
    fc_svc_recs_clear(recs, n);
    free(recs);
    return send_json(c, 200, wrap("items", items));
}

/* The "limit" parameter: 1..50, 10 when absent. */
static int limit_param(struct fc_ctx *c, size_t *n)
{
    long v = 10;
    if (*fc_query(c, "limit") && fc_parse_int(fc_query(c, "limit"), 1, 50, &v))
        return fail(c, 400, "invalid_parameter", "limit", "The limit must be from 1 to 50.");
    *n = (size_t)v;
    return FC_OK;
}

/* GET /api/v1/recommendations?limit=: the recommender's top picks for the user. */
static int api_recommendations(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_svc_rec *recs;
    size_t n = 0, got = 0;
    if (limit_param(c, &n))
        return 0;
    if (!(recs = calloc(FC_SVC_RECS_MAX, sizeof *recs))) {
        fail500(c, "recommendations");
        return 0;
    }
    if (fc_svc_recs_for_user(&sv, n, recs, &got, &res)) {
        free(recs);
        return fc_error_result(c, &res);
    }
    return send_recs(c, recs, got);
}

/* GET /api/v1/restaurants/:id/similar?limit=: "More like this". */
static int api_similar(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_svc_rec *recs;
    struct fc_restaurant r;
    size_t n = 0, got = 0;
    if (token_ok(c))
        return 0;
    if (fc_svc_restaurant_get(&sv, pages_arg_id(c, 0), &r, &res))
        return fc_error_result(c, &res);
    fc_restaurant_clear(&r); /* its id is what counts */
    if (limit_param(c, &n))
        return 0;
    if (!(recs = calloc(FC_SVC_RECS_MAX, sizeof *recs))) {
        fail500(c, "similar");
        return 0;
    }
    if (fc_svc_recs_similar(&sv, r.id, n, recs, &got, &res)) {
        free(recs);
        return fc_error_result(c, &res);
    }
    return send_recs(c, recs, got);
}

/* ---- routes ------------------------------------------------------------------------------- */

/* Every API route skips the form CSRF check: cookies do not authenticate under /api/. */
#define API   FC_ROUTE_NOCSRF
#define LOGIN (FC_ROUTE_LOGIN | FC_ROUTE_NOCSRF)

/* ---- conversation: likes, comments, notifications (svc/talk.c) ----------------------------- */

static json_object *talk_count_json(const struct fc_talk_count *t)
{
    json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    add_int(o, "review_id", t->review_id);
    add_int(o, "likes", t->likes);
    add_int(o, "comments", t->comments);
    add_bool(o, "liked", t->liked);
    return o;
}

/* PUT and DELETE /api/v1/reviews/:id/like: {"review_id", "likes", "comments", "liked"}. */
static int api_like(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_talk_count t;
    if (fc_svc_like(&sv, pages_arg_id(c, 0), strcmp(c->req.method, "PUT") == 0, &t, NULL, &res))
        return fc_error_result(c, &res);
    return send_json(c, 200, talk_count_json(&t));
}

static json_object *comment_json(struct fc_ctx *c, const struct fc_comment *cm,
                                 const char *username, const char *display_name)
{
    json_object *o = json_object_new_object();
    if (!o)
        return NULL;
    add_int(o, "id", cm->id);
    add_int(o, "review_id", cm->review_id);
    add_str(o, "body", cm->body);
    json_object_object_add(o, "author", who_json(username, display_name));
    add_bool(o, "mine", c->logged_in && cm->user_id == c->user.id);
    add_time(o, "created_at", cm->created_at);
    return o;
}

#define COMMENTS_MAX 500

/* GET /api/v1/reviews/:id/comments: those the caller may see, oldest first. */
static int api_comments(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_comment_row *rows;
    json_object *items;
    int n = 0;
    if (token_ok(c))
        return 0;
    if (!(rows = calloc(COMMENTS_MAX, sizeof *rows)))
        return fail500(c, "comments"), 0;
    if (fc_svc_comments(&sv, pages_arg_id(c, 0), rows, COMMENTS_MAX, &n, &res)) {
        free(rows);
        return fc_error_result(c, &res);
    }
    items = json_object_new_array();
    for (int i = 0; items && i < n; i++)
        json_object_array_add(items,
                              comment_json(c, &rows[i].c, rows[i].username, rows[i].display_name));
    free(rows);
    return send_json(c, 200, wrap("items", items));
}

/* POST /api/v1/reviews/:id/comments {"body"}: 201 with the comment. */
static int api_comment_create(struct fc_ctx *c)
{
    static const char *const names[] = {"body", NULL};
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_comment cm;
    const char *body;
    json_object *in = NULL;
    if (read_body(c, &in) || only_fields(c, in, names) || field_str(c, in, "body", 1, &body)) {
        json_object_put(in);
        return 0;
    }
    if (fc_svc_comment_add(&sv, pages_arg_id(c, 0), body, &cm, &res)) {
        json_object_put(in);
        return fc_error_result(c, &res);
    }
    json_object_put(in);
    return send_json(c, 201, comment_json(c, &cm, c->user.username, c->user.display_name));
}

/* DELETE /api/v1/comments/:id */
static int api_comment_delete(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_comment cm;
    if (fc_svc_comment_delete(&sv, pages_arg_id(c, 0), &cm, &res))
        return fc_error_result(c, &res);
    return send_none(c);
}

/* GET /api/v1/notifications: {"items": [...], "unread": n}; reading them does not mark them
 * read (POST /api/v1/notifications/read does). */
static int api_notes(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_note_row *rows = calloc(FC_SVC_NOTES_PAGE, sizeof *rows);
    json_object *items, *o;
    int n = 0;
    if (!rows)
        return fail500(c, "notifications"), 0;
    if (fc_svc_notes(&sv, 0, rows, FC_SVC_NOTES_PAGE, &n, &res)) {
        free(rows);
        return fc_error_result(c, &res);
    }
    items = json_object_new_array();
    for (int i = 0; items && i < n; i++) {
        const struct fc_note_row *r = &rows[i];
        json_object *it = json_object_new_object();
        if (!it)
            break;
        add_int(it, "id", r->n.id);
        add_str(it, "kind", fc_svc_note_kind(r->n.kind));
        json_object_object_add(it, "actor", who_json(r->username, r->display_name));
        json_object_object_add(it, "review_id",
                               r->n.review_id ? json_object_new_int64(r->n.review_id) : NULL);
        json_object_object_add(it, "restaurant",
                               r->n.restaurant_id ? rest_ref_json(r->n.restaurant_id, r->rest_name)
                                                  : NULL);
        json_object_object_add(it, "comment_id",
                               r->n.comment_id ? json_object_new_int64(r->n.comment_id) : NULL);
        add_bool(it, "unread", r->unread);
        add_time(it, "created_at", r->n.created_at);
        json_object_array_add(items, it);
    }
    free(rows);
    o = wrap("items", items);
    if (o)
        add_int(o, "unread", fc_svc_notes_unread(&sv));
    return send_json(c, 200, o);
}

/* POST /api/v1/notifications/read: marks them all read. */
static int api_notes_read(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    if (fc_svc_notes_mark_read(&sv, &res))
        return fc_error_result(c, &res);
    return send_none(c);
}

static const struct fc_route routes[] = {
    {"POST", "/api/v1/signup", api_signup, API},
    {"POST", "/api/v1/login", api_login, API},
    {"POST", "/api/v1/logout", api_logout, LOGIN},
    {"GET", "/api/v1/me", api_me, LOGIN},
    {"PATCH", "/api/v1/me", api_me_patch, LOGIN},
    {"GET", "/api/v1/users", api_users_search, LOGIN},
    {"GET", "/api/v1/users/:username", api_user, API},
    {"GET", "/api/v1/users/:username/reviews", api_user_reviews, API},
    {"GET", "/api/v1/friends", api_friends, LOGIN},
    {"GET", "/api/v1/friends/recommend", api_friends_recommend, LOGIN},
    {"POST", "/api/v1/friends/requests", api_friend_request, LOGIN},
    {"POST", "/api/v1/friends/requests/:username/accept", api_friend_accept, LOGIN},
    {"DELETE", "/api/v1/friends/requests/:username", api_friend_request_delete, LOGIN},
    {"DELETE", "/api/v1/friends/:username", api_friend_remove, LOGIN},
    {"GET", "/api/v1/blocks", api_blocks, LOGIN},
    {"PUT", "/api/v1/blocks/:username", api_block, LOGIN},
    {"DELETE", "/api/v1/blocks/:username", api_block, LOGIN},
    {"GET", "/api/v1/facets", api_facets, API},
    {"GET", "/api/v1/restaurants", api_restaurants, API},
    {"GET", "/api/v1/restaurants/:id", api_restaurant, API},
    {"GET", "/api/v1/restaurants/:id/reviews", api_rest_reviews, API},
    {"GET", "/api/v1/restaurants/:id/similar", api_similar, API},
    {"GET", "/api/v1/restaurants/:id/photos", api_rest_photos, API},
    {"POST", "/api/v1/me/avatar", api_avatar_put, LOGIN | FC_ROUTE_PHOTO},
    {"DELETE", "/api/v1/me/avatar", api_avatar_delete, LOGIN},
    {"POST", "/api/v1/restaurants/:id/reviews", api_review_write, LOGIN | FC_ROUTE_PHOTO},
    {"GET", "/api/v1/reviews/:id", api_review_get, API},
    {"PUT", "/api/v1/reviews/:id", api_review_write, LOGIN | FC_ROUTE_PHOTO},
    {"DELETE", "/api/v1/reviews/:id", api_review_delete, LOGIN},
    {"GET", "/api/v1/saved", api_saved, LOGIN},
    {"PUT", "/api/v1/saved/:id", api_save, LOGIN},
    {"DELETE", "/api/v1/saved/:id", api_save, LOGIN},
    {"POST", "/api/v1/saved/:id/been", api_been, LOGIN},
    {"GET", "/api/v1/feed", api_feed, LOGIN},
    {"GET", "/api/v1/recommendations", api_recommendations, LOGIN},
    {"PUT", "/api/v1/reviews/:id/like", api_like, LOGIN},
    {"DELETE", "/api/v1/reviews/:id/like", api_like, LOGIN},
    {"GET", "/api/v1/reviews/:id/comments", api_comments, API},
    {"POST", "/api/v1/reviews/:id/comments", api_comment_create, LOGIN},
    {"DELETE", "/api/v1/comments/:id", api_comment_delete, LOGIN},
    {"GET", "/api/v1/notifications", api_notes, LOGIN},
    {"POST", "/api/v1/notifications/read", api_notes_read, LOGIN},
};

const struct fc_route_group fc_api_group = {routes, FC_ARRAY_LEN(routes)};
