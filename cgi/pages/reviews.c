/* pages/reviews: write, edit and delete your review (stars, text, photo); serve photos;
 * save and unsave restaurants ("want to go") and your list. */
#include "blob/blob.h"
#include "core/config.h"
#include "core/util.h"
#include "pages/pages.h"
#include "rec/personalize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Puts a review row under prefix. */
void pages_set_review(struct fc_ctx *c, const char *p, const struct fc_review_row *rv)
{
    char k[128];
#define SETK(name) snprintf(k, sizeof k, "%s.%s", p, name)
    SETK("Id");
    fc_set_int(c, k, rv->r.id);
    SETK("Stars");
    fc_set_int(c, k, rv->r.stars);
    SETK("Body");
    fc_set(c, k, rv->r.body);
    SETK("Photo");
    fc_set(c, k, rv->r.photo);
    SETK("Username");
    fc_set(c, k, rv->username);
    SETK("Name");
    fc_set(c, k, rv->display_name[0] ? rv->display_name : rv->username);
    SETK("RestaurantId");
    fc_set_int(c, k, rv->r.restaurant_id);
    SETK("Restaurant");
    fc_set(c, k, rv->rest_name);
    SETK("ByFriend");
    fc_set_int(c, k, rv->by_friend);
    SETK("Mine");
    fc_set_int(c, k, c->logged_in && rv->r.user_id == c->user.id);
    SETK("Date");
    pages_set_date(c, k, rv->r.created_at);
#undef SETK
}

/* Fills the restaurant page: restaurant, reviews the viewer may see, friends' summary, the
 * viewer's own review and saved state. form_errors keeps what the user typed. */
int pages_restaurant_view(struct fc_ctx *c, int64_t id, const struct fc_review *draft)
{
    struct fc_store *s = c->app->store;
    struct fc_restaurant r;
    struct fc_review_row *rows = NULL;
    struct fc_review mine;
    int rc, n = 0, status = 500;

    rc = s->ops->rest_get(s, id, &r);
    if (rc == FC_NOTFOUND)
        return 404;
    if (rc)
        return 500;
    fc_set(c, "Page.Title", r.name);
    pages_set_restaurant(c, "Restaurant", &r);
    rows = calloc(50, sizeof *rows);
    if (!rows)
        goto out;
    if (s->ops->reviews_of_restaurant(s, id, c->logged_in ? c->user.id : 0, rows, 50, &n))
        goto out;
    for (int i = 0; i < n; i++) {
        char p[32];
        snprintf(p, sizeof p, "Reviews.%d", i);
        pages_set_review(c, p, &rows[i]);
    }
    if (c->logged_in) {
        int fcount = 0, saved = 0;
        double favg = 0;
        if (s->ops->friends_rating(s, c->user.id, id, &fcount, &favg) ||
            s->ops->save_exists(s, c->user.id, id, &saved))
            goto out;
        if (fcount) {
            fc_set_int(c, "Friends.Rated", fcount);
            fc_setf(c, "Friends.Avg", "%.1f", favg);
            fc_set_int(c, "Friends.AvgRounded", (long long)(favg + 0.5));
        }
        fc_set_int(c, "Restaurant.Saved", saved);
        rc = s->ops->review_get_by(s, c->user.id, id, &mine);
        if (rc == FC_ERR)
            goto out;
        if (draft) {
            fc_set_int(c, "Mine.Stars", draft->stars);
            fc_set(c, "Mine.Body", draft->body);
        }
        if (rc == FC_OK) {
            fc_set_int(c, "Mine.Id", mine.id);
            if (!draft) {
                fc_set_int(c, "Mine.Stars", mine.stars);
                fc_set(c, "Mine.Body", mine.body);
            }
            fc_set(c, "Mine.Photo", mine.photo);
        }
    }
    fc_set_int(c, "Limits.MaxReview", fc_config_int(c->app->cfg, "Limits.MaxReview", 2000));
    if (pages_set_similar(c, "Similar", id, 4))
        goto out;
    status = fc_render(c, "restaurant.cs") ? 500 : 0;
out:
    free(rows);
    return status;
}

/* Reads and checks the review form into r; on a problem sets the field's error and returns
 * the 4xx status. A new photo is stored in the blob store and named in r->photo. */
static int review_form(struct fc_ctx *c, struct fc_review *r)
{
    const char *stars = fc_form(c, "stars"), *body = fc_form(c, "body");
    const struct fc_param *photo = fc_param_get(&c->req.form, "photo");
    long v;
    int max_text = fc_config_int(c->app->cfg, "Limits.MaxReview", 2000);
    size_t max_photo = (size_t)fc_config_int(c->app->cfg, "Limits.MaxPhoto", 5 << 20);
    int status = 0;

    fc_strlcpy(r->body, body, sizeof r->body);
    if (fc_parse_int(stars, 1, 5, &v)) {
        fc_set(c, "Form.Errors.stars", "Choose from 1 to 5 stars");
        status = 400;
    } else {
        r->stars = (int)v;
    }
    if (fc_utf8_len(body) > (size_t)max_text || strlen(body) >= sizeof r->body) {
        fc_setf(c, "Form.Errors.body", "Your review is too long (at most %d characters)", max_text);
        status = 400;
    }
    if (!status && photo && photo->filename && photo->len > 0) {
        const char *type = fc_image_type(photo->value, photo->len);
        char hash[65], key[80];
        if (photo->len > max_photo) {
            fc_setf(c, "Form.Errors.photo", "The photo is too large (at most %zu MB)",
                    max_photo >> 20);
            return 413;
        }
        if (!type) {
            fc_set(c, "Form.Errors.photo", "The photo must be a JPEG, PNG or WebP image");
            return 415;
        }
        fc_sha256_hex(hash, photo->value, photo->len);
        snprintf(key, sizeof key, "%s.%s", hash, type);
        if (c->app->blob->ops->put(c->app->blob, key, photo->value, photo->len, fc_image_mime(key)))
            return 500;
        fc_strlcpy(r->photo, key, sizeof r->photo);
    }
    return status;
}

/* Saves r (new or the user's existing review) and logs the event. */
static int review_save(struct fc_ctx *c, struct fc_review *r, const struct fc_review *old)
{
    struct fc_store *s = c->app->store;
    int64_t now = fc_now();
    if (old) {
        r->id = old->id;
        r->created_at = old->created_at;
        if (!r->photo[0] && !*fc_form(c, "remove_photo"))
            fc_strlcpy(r->photo, old->photo, sizeof r->photo);
    } else {
        r->created_at = now;
    }
    r->updated_at = now;
    r->user_id = c->user.id;
    if (s->ops->review_put(s, r, 1) ||
        s->ops->event_add(s, c->user.id, r->restaurant_id, "review", r->stars, now))
        return FC_ERR;
    fc_personalize_event(c, c->user.id, r->restaurant_id, "review", r->stars, now);
    return FC_OK;
}

/* POST /restaurants/:id/review: write or rewrite your review of a restaurant. */
int page_review_post(struct fc_ctx *c)
{
    struct fc_store *s = c->app->store;
    struct fc_review r, old;
    struct fc_restaurant rest;
    long id;
    int rc, status;
    char to[64];

    if (fc_parse_int(c->args[0], 1, 0x7fffffffL, &id))
        return 404;
    rc = s->ops->rest_get(s, id, &rest);
    if (rc)
        return rc == FC_NOTFOUND ? 404 : 500;
    memset(&r, 0, sizeof r);
    r.restaurant_id = id;
    status = review_form(c, &r);
    if (status) {
        if (status == 500)
            return 500;
        c->resp.status = status;
        return pages_restaurant_view(c, id, &r);
    }
    rc = s->ops->review_get_by(s, c->user.id, id, &old);
    if (rc == FC_ERR || review_save(c, &r, rc == FC_OK ? &old : NULL))
        return 500;
    snprintf(to, sizeof to, "/restaurants/%ld#my-review", id);
    return fc_redirect(c, to, rc == FC_OK ? "Your review is updated." : "Thanks for your review!");
}

/* Loads review :id and checks it is the viewer's (403 otherwise). */
static int own_review(struct fc_ctx *c, struct fc_review *r)
{
    long id;
    int rc;
    if (fc_parse_int(c->args[0], 1, 0x7fffffffL, &id))
        return 404;
    rc = c->app->store->ops->review_get(c->app->store, id, r);
    if (rc)
        return rc == FC_NOTFOUND ? 404 : 500;
    if (r->user_id != c->user.id) {
        fc_set(c, "Error.Message", "You can only change your own reviews.");
        return 403;
    }
    return 0;
}

/* POST /reviews/:id/edit */
int page_review_edit(struct fc_ctx *c)
{
    struct fc_review old, r;
    int status = own_review(c, &old);
    char to[64];
    if (status)
        return status;
    memset(&r, 0, sizeof r);
    r.restaurant_id = old.restaurant_id;
    status = review_form(c, &r);
    if (status) {
        if (status == 500)
            return 500;
        c->resp.status = status;
        return pages_restaurant_view(c, old.restaurant_id, &r);
    }
    if (review_save(c, &r, &old))
        return 500;
    snprintf(to, sizeof to, "/restaurants/%lld#my-review", (long long)old.restaurant_id);
    return fc_redirect(c, to, "Your review is updated.");
}

/* POST /reviews/:id/delete */
int page_review_delete(struct fc_ctx *c)
{
    struct fc_review r;
    int status = own_review(c, &r);
    char to[64];
    if (status)
        return status;
    if (c->app->store->ops->review_delete(c->app->store, r.id))
        return 500;
    snprintf(to, sizeof to, "/restaurants/%lld", (long long)r.restaurant_id);
    return fc_redirect(c, to, "Your review is deleted.");
}

/* 1 when the If-None-Match header (a list of entity tags, or "*") names the ETag "key"
 * (weakly or strongly: the comparison of RFC 9110 13.1.2 is weak). */
static int etag_listed(const char *header, const char *key)
{
    size_t klen = strlen(key);
    const char *p = header ? header : "";
    while (*p) {
        const char *end;
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (*p == '*')
            return 1;
        if (strncmp(p, "W/", 2) == 0)
            p += 2;
        if (*p != '"' || !(end = strchr(p + 1, '"')))
            return 0;
        if ((size_t)(end - p - 1) == klen && strncmp(p + 1, key, klen) == 0)
            return 1;
        p = end + 1;
    }
    return 0;
}

/* GET /photos/:key: a review photo from the blob store, only to a viewer who may see at least
 * one review carrying it (the store's rule for every review list: reviews_with_photo); to
 * anyone else, and once no review carries it, a 404 as for a photo that does not exist. */
int page_photo(struct fc_ctx *c)
{
    struct fc_store *s = c->app->store;
    struct fc_review rv;
    const char *key = c->args[0];
    char *data = NULL;
    size_t len = 0;
    int n = 0, rc;
    if (!fc_blob_key_ok(key))
        return 404;
    if (s->ops->reviews_with_photo(s, key, c->logged_in ? c->user.id : 0, &rv, 1, &n))
        return 500;
    if (!n)
        return 404;
    /* Who may see a photo changes (friends-only, blocks, deleted reviews), so the answer
     * depends on the viewer and on the moment: "private" keeps it out of shared caches, and
     * "no-cache" makes the browser ask again before each use, so that the check above runs
     * every time (also for the next person on a shared browser). The bytes under a key never
     * change (content-addressed), so the key is the ETag, and a viewer still allowed gets a
     * 304 without the bytes. */
    fc_resp_header(&c->resp, "Cache-Control", "private, no-cache");
    fc_resp_header(&c->resp, "ETag", "\"%s\"", key);
    if (etag_listed(c->req.if_none_match, key)) {
        c->resp.status = 304;
        return 0;
    }
    rc = c->app->blob->ops->get(c->app->blob, key, &data, &len);
    if (rc)
        return rc == FC_NOTFOUND ? 404 : 500;
    fc_resp_header(&c->resp, "Content-Type", "%s", fc_image_mime(key));
    string_appendn(&c->resp.body, data, (int)len);
    free(data);
    return 0;
}

/* POST /restaurants/:id/save and /unsave */
int page_save(struct fc_ctx *c)
{
    struct fc_store *s = c->app->store;
    struct fc_restaurant r;
    long id;
    int rc, save = strcmp(c->args[1], "save") == 0;
    char to[64];
    int64_t now = fc_now();

    if (!save && strcmp(c->args[1], "unsave") != 0)
        return 404;
    if (fc_parse_int(c->args[0], 1, 0x7fffffffL, &id))
        return 404;
    rc = s->ops->rest_get(s, id, &r);
    if (rc)
        return rc == FC_NOTFOUND ? 404 : 500;
    rc = save ? s->ops->save_put(s, c->user.id, id, now) : s->ops->save_delete(s, c->user.id, id);
    if (rc || s->ops->event_add(s, c->user.id, id, save ? "save" : "unsave", 1, now))
        return 500;
    fc_personalize_event(c, c->user.id, id, save ? "save" : "unsave", 1, now);
    snprintf(to, sizeof to, "/restaurants/%ld", id);
    return fc_redirect(c, pages_safe_next(*fc_form(c, "next") ? fc_form(c, "next") : to),
                       save ? "Saved to your want-to-go list." : "Removed from your list.");
}

/* GET /saved: your want-to-go list. */
int page_saved(struct fc_ctx *c)
{
    struct fc_restaurant *rows = calloc(500, sizeof *rows);
    int n = 0, status = 500;
    if (!rows)
        return 500;
    if (c->app->store->ops->saves_of_user(c->app->store, c->user.id, rows, 500, &n))
        goto out;
    for (int i = 0; i < n; i++) {
        char p[32];
        snprintf(p, sizeof p, "Saved.%d", i);
        pages_set_restaurant(c, p, &rows[i]);
    }
    fc_set(c, "Page.Title", "Want to go");
    status = fc_render(c, "saved.cs") ? 500 : 0;
out:
    free(rows);
    return status;
}
