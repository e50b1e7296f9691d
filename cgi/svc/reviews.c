/* svc/reviews: writing, rewriting and deleting a review (stars, text, the month of the visit,
 * a photo), reading one as the actor may see it, and serving a review photo: the checks, the
 * store calls and the events, once for the web pages and the JSON API (svc/content.h). */
#include "blob/blob.h"
#include "core/app.h"
#include "core/config.h"
#include "core/util.h"
#include "rec/personalize.h"
#include "svc/content.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int fc_svc_review_max_text(const struct fc_svc *sv)
{
    return fc_config_int(sv->app->cfg, "Limits.MaxReview", FC_SVC_REVIEW_MAX_TEXT);
}

static size_t max_photo(const struct fc_svc *sv)
{
    return (size_t)fc_config_int(sv->app->cfg, "Limits.MaxPhoto", FC_SVC_REVIEW_MAX_PHOTO);
}

int fc_svc_review_visited_check(const char *v, int64_t now, struct fc_svc_result *res)
{
    time_t t = (time_t)now;
    struct tm tm;
    int year, month;
    if (!v || !*v)
        return FC_OK;
    if (strlen(v) != 7 || v[4] != '-')
        goto bad;
    for (int i = 0; i < 7; i++)
        if (i != 4 && (v[i] < '0' || v[i] > '9'))
            goto bad;
    year = atoi(v);
    month = atoi(v + 5);
    if (year < 1900 || month < 1 || month > 12)
        goto bad;
    gmtime_r(&t, &tm);
    if (year > tm.tm_year + 1900 || (year == tm.tm_year + 1900 && month > tm.tm_mon + 1))
        return fc_svc_fail(res, 422, "invalid_value", "visited",
                           "The month of your visit cannot be in the future.");
    return FC_OK;
bad:
    return fc_svc_fail(res, 422, "invalid_value", "visited",
                       "Give the month of your visit as YYYY-MM (for example 2026-03).");
}

/* The text fields of in into r; a refused one in res. */
static int check_fields(const struct fc_svc *sv, const struct fc_svc_review_in *in,
                        struct fc_review *r, int64_t now, struct fc_svc_result *res)
{
    const char *body = in->body ? in->body : "";
    int max_text = fc_svc_review_max_text(sv);
    if (in->stars < 1 || in->stars > 5)
        return fc_svc_fail(res, 422, "invalid_value", "stars", "Choose from 1 to 5 stars.");
    if (fc_utf8_len(body) > (size_t)max_text)
        return fc_svc_fail(res, 422, "invalid_value", "body",
                           "Your review is too long (at most %d characters).", max_text);
    if (fc_svc_review_visited_check(in->visited, now, res))
        return FC_EINVAL;
    r->stars = in->stars;
    if (fc_review_set_body(r, body))
        return fc_svc_fail_store(sv, res, "review (no memory)");
    fc_strlcpy(r->visited, in->visited ? in->visited : "", sizeof r->visited);
    return FC_OK;
}

/* Checks a new photo and stores it in the blob store; its key into r->photo. */
static int put_photo(const struct fc_svc *sv, const struct fc_svc_review_in *in,
                     struct fc_review *r, struct fc_svc_result *res)
{
    const char *type;
    char hash[65], key[80];
    size_t max = max_photo(sv);
    if (in->photo_len > max)
        return fc_svc_fail(res, 413, "photo_too_large", "photo",
                           "The photo is too large (at most %zu MB).", max >> 20);
    if (!(type = fc_image_type(in->photo, in->photo_len)))
        return fc_svc_fail(res, 415, "unsupported_media_type", "photo",
                           "The photo must be a JPEG, PNG or WebP image.");
    fc_sha256_hex(hash, in->photo, in->photo_len);
    snprintf(key, sizeof key, "%s.%s", hash, type);
    if (sv->app->blob->ops->put(sv->app->blob, key, in->photo, in->photo_len, fc_image_mime(key)))
        return fc_svc_fail_store(sv, res, "photo upload");
    fc_strlcpy(r->photo, key, sizeof r->photo);
    return FC_OK;
}

/* Review id, the actor's (403 someone else's, 404 none). */
static int own_review(const struct fc_svc *sv, int64_t id, struct fc_review *r,
                      struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    int rc = id > 0 ? s->ops->review_get(s, id, r) : FC_NOTFOUND;
    if (rc == FC_NOTFOUND)
        return fc_svc_fail(res, 404, "review_not_found", NULL, "There is no such review.");
    if (rc)
        return fc_svc_fail_store(sv, res, "review");
    if (r->user_id != fc_svc_actor_id(sv)) {
        fc_review_clear(r);
        return fc_svc_fail(res, 403, "forbidden", NULL, "You can only change your own reviews.");
    }
    return FC_OK;
}

int fc_svc_review_write(const struct fc_svc *sv, const struct fc_svc_review_in *in,
                        struct fc_review *out, struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    struct fc_review *r = out, old = {0};
    struct fc_restaurant rest;
    int64_t now = fc_now(), uid = fc_svc_actor_id(sv);
    int rc, have_old = 0;

    fc_svc_ok(res, 201);
    memset(r, 0, sizeof *r);
    if (!uid)
        return fc_svc_fail(res, 401, NULL, NULL, "Log in to write a review.");
    if (in->review_id) {
        if (own_review(sv, in->review_id, &old, res))
            return FC_EINVAL;
        fc_review_clear(&old); /* its id, place, time and photo are what counts */
        have_old = 1;
    } else {
        rc = in->restaurant_id > 0 ? s->ops->rest_get(s, in->restaurant_id, &rest) : FC_NOTFOUND;
        if (rc == FC_NOTFOUND)
            return fc_svc_fail(res, 404, "restaurant_not_found", NULL,
                               "There is no such restaurant.");
        if (rc)
            return fc_svc_fail_store(sv, res, "restaurant");
        fc_restaurant_clear(&rest); /* that it is there is what counts */
    }
    /* the restaurant, also for a front end that shows a refused form again */
    r->restaurant_id = have_old ? old.restaurant_id : in->restaurant_id;
    if (check_fields(sv, in, r, now, res))
        return FC_EINVAL;
    if (in->photo && in->photo_len > 0 && put_photo(sv, in, r, res))
        return FC_EINVAL;
    if (!have_old) {
        rc = s->ops->review_get_by(s, uid, in->restaurant_id, &old);
        if (rc == FC_ERR)
            return fc_svc_fail_store(sv, res, "review");
        fc_review_clear(&old);
        have_old = rc == FC_OK;
    }
    r->user_id = uid;
    r->restaurant_id = have_old ? old.restaurant_id : in->restaurant_id;
    r->updated_at = now;
    if (have_old) {
        r->id = old.id;
        r->created_at = old.created_at;
        if (!r->photo[0] && !in->remove_photo)
            fc_strlcpy(r->photo, old.photo, sizeof r->photo);
    } else {
        r->created_at = now;
    }
    if (s->ops->review_put(s, r, 1) ||
        s->ops->event_add(s, uid, r->restaurant_id, "review", r->stars, now))
        return fc_svc_fail_store(sv, res, "review write");
    fc_review_clear(r); /* read back as stored */
    if (s->ops->review_get_by(s, uid, r->restaurant_id, r))
        return fc_svc_fail_store(sv, res, "review write");
    fc_personalize_event_sv(sv, uid, r->restaurant_id, "review", r->stars, now);
    res->status = have_old ? 200 : 201;
    return FC_OK;
}

int fc_svc_review_delete(const struct fc_svc *sv, int64_t id, struct fc_review *out,
                         struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    fc_svc_ok(res, 204);
    if (own_review(sv, id, out, res))
        return FC_EINVAL;
    if (s->ops->review_delete(s, out->id)) {
        fc_review_clear(out);
        return fc_svc_fail_store(sv, res, "review delete");
    }
    return FC_OK;
}

int fc_svc_review_get(const struct fc_svc *sv, int64_t id, struct fc_review_row *out,
                      struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    struct fc_user author;
    struct fc_restaurant rest;
    int64_t viewer = fc_svc_actor_id(sv);
    int rel = 0, rc;

    fc_svc_ok(res, 200);
    memset(out, 0, sizeof *out);
    rc = id > 0 ? s->ops->review_get(s, id, &out->r) : FC_NOTFOUND;
    if (rc == FC_OK) {
        rc = s->ops->user_get(s, out->r.user_id, &author);
        fc_user_clear(&author); /* who they are is what counts */
    }
    if (rc == FC_OK) {
        rc = s->ops->rest_get(s, out->r.restaurant_id, &rest);
        if (rc == FC_OK)
            fc_strlcpy(out->rest_name, rest.name, sizeof out->rest_name);
        fc_restaurant_clear(&rest); /* its name is what counts */
    }
    if (rc == FC_OK && viewer && viewer != author.id &&
        s->ops->relation(s, viewer, author.id, &rel))
        rc = FC_ERR;
    if (rc == FC_OK &&
        !fc_store_may_see(viewer, author.id, author.visibility, author.disabled, rel))
        rc = FC_NOTFOUND;
    if (rc)
        fc_review_clear(&out->r);
    if (rc == FC_ERR)
        return fc_svc_fail_store(sv, res, "review");
    if (rc != FC_OK)
        return fc_svc_fail(res, 404, "review_not_found", NULL, "There is no such review.");
    fc_strlcpy(out->username, author.username, sizeof out->username);
    fc_strlcpy(out->display_name, author.display_name, sizeof out->display_name);
    out->by_friend = (rel & FC_REL_FRIEND) != 0;
    return FC_OK;
}

int fc_svc_photo(const struct fc_svc *sv, const char *key, int want_bytes, int *n, char **data,
                 size_t *len, struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    struct fc_review rv;
    int rc;
    fc_svc_ok(res, 200);
    *n = 0;
    *data = NULL;
    *len = 0;
    if (!fc_blob_key_ok(key))
        return fc_svc_fail(res, 404, NULL, NULL, "There is no such photo.");
    if (s->ops->reviews_with_photo(s, key, fc_svc_actor_id(sv), &rv, 1, n))
        return fc_svc_fail_store(sv, res, "photo lookup");
    if (*n)
        fc_review_clear(&rv); /* whether there is one is what counts */
    if (!*n)
        return fc_svc_fail(res, 404, NULL, NULL, "There is no such photo.");
    if (!want_bytes)
        return FC_OK;
    rc = sv->app->blob->ops->get(sv->app->blob, key, data, len);
    if (rc == FC_NOTFOUND)
        return fc_svc_fail(res, 404, NULL, NULL, "There is no such photo.");
    if (rc)
        return fc_svc_fail_store(sv, res, "photo");
    return FC_OK;
}
