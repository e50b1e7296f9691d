/* svc/profiles: showing, editing and searching profiles (see profiles.h). */
#include "svc/profiles.h"

#include "auth/auth.h"
#include "blob/blob.h"
#include "core/app.h"
#include "core/config.h"
#include "core/util.h"
#include "svc/visual.h"

#include <ClearSilver.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_CHARS FC_AUTH_DISPLAY_NAME_MAX
#define BIO_MAX_CHARS  1000
#define CITY_MAX_CHARS 80
#define QUERY_MAX      60

/* Whether usernames a and b are the same name (ASCII case-insensitive, like the stores'
 * uniqueness: SQLite's NOCASE). */
static int same_name(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y - 'A' + 'a');
        if (x != y)
            return 0;
    }
    return *a == *b;
}

/* The member called username as the actor may reach them: 404 for nobody, a disabled account
 * (but to admins) and someone who blocked the actor; *rel the actor's bits towards them. u is
 * overwritten; it holds text to free (fc_user_clear) only when this answers FC_OK. actor_stored:
 * the actor is the user as the store holds it (read by the session check of this request, not
 * the record a sign-up or log-in began the session with), so their own profile is not read
 * again. */
static int reach(const struct fc_svc *sv, const char *username, int actor_stored, struct fc_user *u,
                 int *rel, struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    int64_t me = fc_svc_actor_id(sv);
    int rc;
    *rel = 0;
    if (actor_stored && sv->actor && username && same_name(username, sv->actor->username))
        return fc_user_copy(u, sv->actor) ? fc_svc_fail_store(sv, res, "user (no memory)") : FC_OK;
    rc = s->ops->user_by_name(s, username ? username : "", u);
    if (rc == FC_ERR)
        return fc_svc_fail_store(sv, res, "user");
    if (rc == FC_NOTFOUND)
        return fc_svc_fail(res, 404, "user_not_found", NULL, "There is no user by that name.");
    if (u->disabled && !(sv->actor && sv->actor->is_admin))
        rc = fc_svc_fail(res, 404, "user_not_found", NULL, "There is no user by that name.");
    else if (me && me != u->id && s->ops->relation(s, me, u->id, rel))
        rc = fc_svc_fail_store(sv, res, "relation");
    else if (*rel & FC_REL_BLOCKED_BY) /* someone who blocked you is not there for you */
        rc = fc_svc_fail(res, 404, "user_not_found", NULL, "There is no user by that name.");
    if (rc)
        fc_user_clear(u);
    return rc;
}

/* The opening of a profile read (fc_svc_profile_get, fc_svc_profile_page): the user as the
 * actor may reach them (reach's own_ok), the relation, the fields the actor may see, and the
 * friends in common. FC_OK, or the result's code. */
static int profile_open(const struct fc_svc *sv, const char *username, int own_ok,
                        struct fc_svc_profile *out, struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    int64_t me = fc_svc_actor_id(sv);

    memset(out, 0, sizeof *out);
    fc_svc_ok(res, 200);
    if (reach(sv, username, own_ok, &out->user, &out->rel, res))
        return FC_EINVAL;
    out->self = me && me == out->user.id;
    out->fields = fc_store_profile_fields(me, out->user.id, out->user.visibility, out->rel);
    if (me && !out->self && s->ops->mutual_count(s, me, out->user.id, &out->mutual))
        return fc_svc_fail_store(sv, res, "mutual count");
    return FC_OK;
}

int fc_svc_profile_get(const struct fc_svc *sv, const char *username, struct fc_svc_profile *out,
                       struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    int rc;

    if ((rc = profile_open(sv, username, 0, out, res)))
        return rc;
    if ((out->fields & FC_FIELD_REVIEWS) &&
        s->ops->review_count_user(s, out->user.id, &out->review_count))
        return fc_svc_fail_store(sv, res, "review count");
    fc_store_user_redact(&out->user, out->fields);
    return FC_OK;
}

int fc_svc_profile_page(const struct fc_svc *sv, const char *username, struct fc_svc_profile *out,
                        struct fc_review_row *rows, int max, int *n, struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    int64_t me = fc_svc_actor_id(sv);
    int rc;

    *n = 0;
    if ((rc = profile_open(sv, username, 1, out, res)))
        return rc;
    /* the reviews and their count in one operation: reach() has read the author and the
       relation, and the rule is checked here, as reviews_by_user checks it (a disabled
       account, shown to admins: its count, no reviews) */
    if (out->fields & FC_FIELD_REVIEWS) {
        rc = fc_store_may_see(me, out->user.id, out->user.visibility, out->user.disabled, out->rel)
                 ? s->ops->reviews_by_user_seen(s, &out->user, me, (out->rel & FC_REL_FRIEND) != 0,
                                                rows, max, n, &out->review_count)
                 : s->ops->review_count_user(s, out->user.id, &out->review_count);
        if (rc)
            return fc_svc_fail_store(sv, res, "reviews by user");
    }
    fc_store_user_redact(&out->user, out->fields);
    return FC_OK;
}

int fc_svc_profile_reviews(const struct fc_svc *sv, const struct fc_svc_profile *p,
                           struct fc_review_row *out, int max, int *n, struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    *n = 0;
    fc_svc_ok(res, 200);
    if (!(p->fields & FC_FIELD_REVIEWS))
        return FC_OK;
    if (s->ops->reviews_by_user(s, p->user.id, fc_svc_actor_id(sv), out, max, n))
        return fc_svc_fail_store(sv, res, "reviews by user");
    return FC_OK;
}

int fc_svc_profile_own(const struct fc_svc *sv, const char *username, struct fc_user *out,
                       struct fc_svc_result *res)
{
    int rel;
    memset(out, 0, sizeof *out);
    fc_svc_ok(res, 200);
    if (!sv->actor)
        return fc_svc_fail(res, 401, NULL, NULL, "Log in to edit your profile.");
    if (reach(sv, username ? username : sv->actor->username, 0, out, &rel, res))
        return FC_EINVAL;
    if (out->id != sv->actor->id)
        return fc_svc_fail(res, 403, NULL, NULL, "You can only edit your own profile.");
    return FC_OK;
}

int fc_svc_profile_cuisines(const struct fc_svc *sv, struct fc_strlist *out,
                            struct fc_svc_result *res)
{
    *out = (struct fc_strlist){0};
    fc_svc_ok(res, 200);
    if (sv->app->store->ops->rest_facets(sv->app->store, out, NULL)) {
        fc_strlist_free(out);
        return fc_svc_fail_store(sv, res, "cuisines");
    }
    return FC_OK;
}

/* 1 when name is one of the choices. */
static int chosen_from(const struct fc_strlist *ch, const char *name)
{
    for (size_t i = 0; i < ch->n; i++)
        if (strcmp(ch->v[i], name) == 0)
            return 1;
    return 0;
}

/* 1 when csv (comma-separated) has name. */
static int csv_has(const char *csv, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = csv; (p = strstr(p, name)); p++)
        if ((p == csv || p[-1] == ',') && (p[n] == ',' || !p[n]))
            return 1;
    return 0;
}

/* The cuisines of in into out (comma-separated, each once); 422 for one not in the list. */
static int read_cuisines(const struct fc_svc *sv, const struct fc_svc_profile_edit *in, char *out,
                         size_t size, struct fc_svc_result *res)
{
    struct fc_strlist ch;
    int rc = FC_OK;
    if (fc_svc_profile_cuisines(sv, &ch, res))
        return FC_ERR;
    out[0] = '\0';
    for (size_t i = 0; i < in->ncuisines && rc == FC_OK; i++) {
        const char *name = in->cuisines[i] ? in->cuisines[i] : "";
        size_t len = strlen(out);
        if (!chosen_from(&ch, name))
            rc = fc_svc_fail(res, 422, "invalid_value", "cuisines",
                             "Choose cuisines from the list.");
        else if (csv_has(out, name))
            continue;
        else if (len + strlen(name) + 2 >= size)
            rc = fc_svc_fail(res, 422, "invalid_value", "cuisines", "Too many cuisines.");
        else {
            if (len)
                strcat(out, ",");
            strcat(out, name);
        }
    }
    fc_strlist_free(&ch);
    return rc;
}

/* 1 when v is text of at most max characters that fits a field of size bytes. */
static int fits(const char *v, size_t max, size_t size)
{
    return fc_utf8_valid(v, strlen(v)) && fc_utf8_len(v) <= max && strlen(v) < size;
}

static int one_of(const char *v, const char *const *ok)
{
    for (; *ok; ok++)
        if (strcmp(v, *ok) == 0)
            return 1;
    return 0;
}

int fc_svc_profile_edit(const struct fc_svc *sv, const char *username,
                        const struct fc_svc_profile_edit *in, struct fc_user *out,
                        struct fc_svc_result *res)
{
    static const char *const prices[] = {"", "low", "medium", "high", NULL};
    static const char *const visibilities[] = {"public", "friends", NULL};
    struct fc_store *s = sv->app->store;
    struct fc_user *u = out;
    char cuisines[FC_SVC_CUISINES_MAX];
    int bad = 0;

    if (fc_svc_profile_own(sv, username, u, res))
        return FC_EINVAL;
    /* what was asked goes into *out before the checks: a refused form shows it again */
    if (in->display_name)
        fc_strlcpy(u->display_name, in->display_name, sizeof u->display_name);
    if (in->bio && fc_user_set_bio(u, in->bio))
        return fc_svc_fail_store(sv, res, "profile (no memory)");
    if (in->city)
        fc_strlcpy(u->city, in->city, sizeof u->city);
    if (in->price)
        fc_strlcpy(u->price, in->price, sizeof u->price);
    if (in->visibility)
        fc_strlcpy(u->visibility, in->visibility, sizeof u->visibility);
    if (in->set_saves_private)
        u->saves_private = in->saves_private != 0;

    if (in->display_name &&
        (!*in->display_name || !fits(in->display_name, NAME_MAX_CHARS, sizeof u->display_name)))
        bad = fc_svc_fail(res, 422, "invalid_value", "display_name",
                          "Display name must be 1 to %d characters.", NAME_MAX_CHARS);
    else if (in->bio && !fits(in->bio, BIO_MAX_CHARS, 4 * BIO_MAX_CHARS + 1))
        bad = fc_svc_fail(res, 422, "invalid_value", "bio",
                          "Bio is too long (at most %d characters).", BIO_MAX_CHARS);
    else if (in->city && !fits(in->city, CITY_MAX_CHARS, sizeof u->city))
        bad = fc_svc_fail(res, 422, "invalid_value", "city",
                          "City is too long (at most %d characters).", CITY_MAX_CHARS);
    else if (in->price && !one_of(in->price, prices))
        bad = fc_svc_fail(res, 422, "invalid_value", "price",
                          "Price must be \"low\", \"medium\", \"high\" or \"\".");
    else if (in->visibility && !one_of(in->visibility, visibilities))
        bad = fc_svc_fail(res, 422, "invalid_value", "visibility",
                          "Visibility must be \"public\" or \"friends\".");
    else if (in->set_cuisines) {
        bad = read_cuisines(sv, in, cuisines, sizeof cuisines, res);
        if (!bad && fc_user_set_cuisines(u, cuisines))
            return fc_svc_fail_store(sv, res, "profile (no memory)");
    }
    if (bad)
        return bad;
    if (s->ops->user_update_profile(s, u))
        return fc_svc_fail_store(sv, res, "profile update");
    fc_svc_ok(res, 200);
    return FC_OK;
}

int fc_svc_profile_search(const struct fc_svc *sv, const char *q, struct fc_person *out, int max,
                          int *n, struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    int64_t me = fc_svc_actor_id(sv);
    *n = 0;
    fc_svc_ok(res, 200);
    if (!q || !*q || !fc_utf8_valid(q, strlen(q)) || fc_utf8_len(q) > QUERY_MAX)
        return fc_svc_fail(res, 400, "invalid_parameter", "q",
                           "Search text must be 1 to %d characters.", QUERY_MAX);
    if (s->ops->people_search(s, q, me, out, max, n))
        return fc_svc_fail_store(sv, res, "people search");
    for (int i = 0; i < *n; i++)
        fc_store_person_redact(&out[i], me);
    return FC_OK;
}

/* ---- avatars (svc/visual.h): an uploaded photo is part of the profile's details ----------- */

int fc_svc_avatar(const struct fc_svc *sv, const char *username, int want_bytes,
                  struct fc_svc_avatar *out, char **data, size_t *len, struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    struct fc_user u;
    int64_t me = fc_svc_actor_id(sv);
    int rel, rc;
    char key[80];

    memset(out, 0, sizeof *out);
    *data = NULL;
    *len = 0;
    fc_svc_ok(res, 200);
    if (reach(sv, username, 0, &u, &rel, res))
        return FC_EINVAL;
    fc_user_clear(&u); /* its name, id and visibility are what counts */
    fc_strlcpy(out->username, u.username, sizeof out->username);
    fc_strlcpy(out->name, u.display_name[0] ? u.display_name : u.username, sizeof out->name);
    if (s->ops->avatar_get(s, u.id, key, sizeof key))
        return fc_svc_fail_store(sv, res, "avatar");
    out->has_photo = key[0] != '\0';
    /* the photo with the bio and the city: to whom the profile rule shows them (a friends-only
     * member's to friends and herself); everyone else gets the initials */
    if (!key[0] || !(fc_store_profile_fields(me, u.id, u.visibility, rel) & FC_FIELD_PROFILE))
        return FC_OK;
    fc_strlcpy(out->photo, key, sizeof out->photo);
    if (!want_bytes)
        return FC_OK;
    rc = sv->app->blob->ops->get(sv->app->blob, key, data, len);
    if (rc == FC_NOTFOUND) { /* the photo went missing: the initials rather than an error */
        out->photo[0] = '\0';
        return FC_OK;
    }
    if (rc)
        return fc_svc_fail_store(sv, res, "avatar photo");
    return FC_OK;
}

int fc_svc_avatar_set(const struct fc_svc *sv, const void *data, size_t len,
                      struct fc_svc_result *res)
{
    size_t max = (size_t)fc_config_int(sv->app->cfg, "Limits.MaxPhoto", 5 << 20);
    const char *type;
    char hash[65], key[80];

    fc_svc_ok(res, 200);
    if (!sv->actor)
        return fc_svc_fail(res, 401, NULL, NULL, "Log in to change your picture.");
    if (!data || !len)
        return fc_svc_fail(res, 400, "invalid_value", "photo",
                           "Choose a photo to upload (a file part named \"photo\").");
    if (len > max)
        return fc_svc_fail(res, 413, "photo_too_large", "photo",
                           "The photo is too large (at most %zu MB).", max >> 20);
    if (!(type = fc_image_type(data, len)))
        return fc_svc_fail(res, 415, "unsupported_media_type", "photo",
                           "The photo must be a JPEG, PNG or WebP image.");
    fc_sha256_hex(hash, data, len);
    snprintf(key, sizeof key, "%s.%s", hash, type);
    if (sv->app->blob->ops->put(sv->app->blob, key, data, len, fc_image_mime(key)))
        return fc_svc_fail_store(sv, res, "avatar upload");
    if (sv->app->store->ops->avatar_set(sv->app->store, sv->actor->id, key, fc_now()))
        return fc_svc_fail_store(sv, res, "avatar");
    return FC_OK;
}

int fc_svc_avatar_remove(const struct fc_svc *sv, struct fc_svc_result *res)
{
    fc_svc_ok(res, 200);
    if (!sv->actor)
        return fc_svc_fail(res, 401, NULL, NULL, "Log in to change your picture.");
    if (sv->app->store->ops->avatar_set(sv->app->store, sv->actor->id, "", fc_now()))
        return fc_svc_fail_store(sv, res, "avatar");
    return FC_OK;
}
