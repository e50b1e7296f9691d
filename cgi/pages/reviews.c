/* pages/reviews: write, edit and delete your review (stars, text, photo); serve photos;
 * save and unsave restaurants ("want to go") and your list. */
#include "blob/blob.h"
#include "core/config.h"
#include "core/util.h"
#include "pages/pages.h"
#include "svc/content.h"
#include "svc/visual.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Puts a review row under prefix (through its node: pages_node). */
void pages_set_review(struct fc_ctx *c, const char *p, const struct fc_review_row *rv)
{
    HDF *n = pages_node(c, p);
    if (!n)
        return;
    pages_node_int(n, "Id", rv->r.id);
    pages_node_int(n, "Stars", rv->r.stars);
    pages_node_set(n, "Body", rv->r.body);
    pages_node_set(n, "Photo", rv->r.photo);
    pages_node_set(n, "Username", rv->username);
    pages_node_set(n, "Name", rv->display_name[0] ? rv->display_name : rv->username);
    pages_node_int(n, "RestaurantId", rv->r.restaurant_id);
    pages_node_set(n, "Restaurant", rv->rest_name);
    pages_node_int(n, "ByFriend", rv->by_friend);
    pages_node_int(n, "Mine", c->logged_in && rv->r.user_id == c->user.id);
    pages_node_date(n, "Date", rv->r.created_at);
    pages_node_month(n, "Visited", rv->r.visited);
}

/* The restaurant page's pictures and map (svc/visual.h): its distance from the user's city or
 * ?near=, the map of it and its neighbours, the gallery of the review photos shown. -1 when
 * done, else the handler's answer (the error page is made). */
static int restaurant_visual(struct fc_ctx *c, const struct fc_svc *sv,
                             const struct fc_svc_restaurant_view *v)
{
    struct fc_svc_origin origin;
    struct fc_svc_result res;
    struct fc_restaurant *near = NULL, *pins;
    int n = 0, rc;

    if (fc_svc_place_area(sv, &v->rest, fc_query(c, "near"), 8, &origin, &near, &n, &res))
        return fc_error_result(c, &res);
    pages_set_distance(c, "Restaurant", &origin, &v->rest);
    pages_set_gallery(c, v->reviews, v->n_reviews);
    if (!(pins = calloc((size_t)n + 1, sizeof *pins))) {
        fc_restaurants_free(near, n);
        return 500;
    }
    pins[0] = v->rest; /* borrowed: pins is freed alone */
    if (n)
        memcpy(pins + 1, near, (size_t)n * sizeof *pins);
    {
        /* on its own page, the neighbours' distances are from the place */
        struct fc_svc_origin at = {.set = 1, .chosen = 1, .lat = v->rest.lat, .lon = v->rest.lon};
        rc = pages_set_map(c, pins, n + 1, v->rest.id, &at);
    }
    free(pins);
    fc_restaurants_free(near, n);
    return rc ? 500 : -1;
}

/* Fills the restaurant page: restaurant, reviews the viewer may see, friends' summary, the
 * viewer's own review and saved state. draft (or NULL) is a refused form to show again with
 * res's error on its field; log_view: a view for the interaction log. */
static int restaurant_view(struct fc_ctx *c, int64_t id, const struct fc_svc_review_in *draft,
                           const struct fc_svc_result *refused, int log_view)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_restaurant_view v;
    struct fc_svc_result res;
    int status = 500;

    if (fc_svc_restaurant_view_page(&sv, id, draft ? NULL : fc_query(c, "page"), log_view, &v,
                                    &res))
        return fc_error_result(c, &res);
    fc_set(c, "Page.Title", v.rest.name);
    pages_set_restaurant(c, "Restaurant", &v.rest);
    /* the rating distribution, 5 stars first, and the page of reviews */
    for (int st = 5; st >= 1; st--) {
        char k[48];
        snprintf(k, sizeof k, "Distribution.%d.Stars", 5 - st);
        fc_set_int(c, k, st);
        snprintf(k, sizeof k, "Distribution.%d.Count", 5 - st);
        fc_set_int(c, k, v.stars[st - 1]);
    }
    fc_set_int(c, "ReviewPage.Page", v.reviews_page);
    if (v.reviews_page > 1)
        fc_set_int(c, "ReviewPage.Prev", v.reviews_page - 1);
    if (v.reviews_more)
        fc_set_int(c, "ReviewPage.Next", v.reviews_page + 1);
    if ((status = restaurant_visual(c, &sv, &v)) >= 0)
        goto out;
    status = 500;
    for (int i = 0; i < v.n_reviews; i++) {
        char p[32];
        snprintf(p, sizeof p, "Reviews.%d", i);
        pages_set_review(c, p, &v.reviews[i]);
    }
    if (v.n_reviews) { /* their likes and comments (pages/talk.c) */
        int64_t *ids = calloc(2 * (size_t)v.n_reviews, sizeof *ids);
        char back[48];
        int rc;
        if (!ids)
            goto out;
        for (int i = 0; i < v.n_reviews; i++) {
            ids[i] = v.reviews[i].r.id;
            ids[v.n_reviews + i] = v.reviews[i].r.user_id;
        }
        snprintf(back, sizeof back, "/restaurants/%lld", (long long)id);
        rc =
            pages_set_talk(c, "Reviews", ids, ids + v.n_reviews, NULL, v.n_reviews, id, back, &res);
        free(ids);
        if (rc) {
            status = fc_error_result(c, &res);
            goto out;
        }
    }
    if (c->logged_in) {
        if (v.friends_count) {
            fc_set_int(c, "Friends.Rated", v.friends_count);
            fc_setf(c, "Friends.Avg", "%.1f", v.friends_avg);
            fc_set_int(c, "Friends.AvgRounded", (long long)(v.friends_avg + 0.5));
        }
        fc_set_int(c, "Restaurant.Saved", v.saved);
        fc_set_int(c, "Restaurant.SavesPrivate", c->user.saves_private);
        if (draft) {
            char k[64];
            fc_set_int(c, "Mine.Stars", draft->stars);
            fc_set(c, "Mine.Body", draft->body ? draft->body : "");
            fc_set(c, "Mine.Visited", draft->visited ? draft->visited : "");
            snprintf(k, sizeof k, "Form.Errors.%s", refused->field ? refused->field : "stars");
            fc_set(c, k, refused->message);
            c->resp.status = refused->status;
        }
        if (v.has_mine) {
            fc_set_int(c, "Mine.Id", v.mine.id);
            if (!draft) {
                fc_set_int(c, "Mine.Stars", v.mine.stars);
                fc_set(c, "Mine.Body", v.mine.body);
                fc_set(c, "Mine.Visited", v.mine.visited);
            }
            fc_set(c, "Mine.Photo", v.mine.photo);
        }
    }
    fc_set_int(c, "Limits.MaxReview", fc_svc_review_max_text(&sv));
    pages_set_month_now(c, "Limits.VisitedMax");
    if (pages_set_similar(c, "Similar", id, 4))
        goto out;
    status = fc_render(c, "restaurant.cs") ? 500 : 0;
out:
    fc_svc_restaurant_view_free(&v);
    return status;
}

int pages_restaurant_view(struct fc_ctx *c, int64_t id, int log_view)
{
    return restaurant_view(c, id, NULL, NULL, log_view);
}

/* The review form as the service's input (the photo part, if any, by reference). */
static void review_form(struct fc_ctx *c, struct fc_svc_review_in *in)
{
    const struct fc_param *photo = fc_param_get(&c->req.form, "photo");
    long v;
    in->stars = fc_parse_int(fc_form(c, "stars"), 1, 5, &v) ? 0 : (int)v;
    in->body = fc_form(c, "body");
    in->visited = fc_form(c, "visited");
    in->remove_photo = *fc_form(c, "remove_photo") != 0;
    if (photo && photo->filename && photo->len > 0) {
        in->photo = photo->value;
        in->photo_len = photo->len;
    }
}

/* Writes the review of the form (restaurant_id or review_id set in in); a refused form is
 * shown again with its field's error, other failures get the error page. */
static int review_write(struct fc_ctx *c, struct fc_svc_review_in *in)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_review r;
    char to[64];
    review_form(c, in);
    if (fc_svc_review_write(&sv, in, &r, &res)) {
        fc_review_clear(&r);
        if (res.field && res.status != 500)
            return restaurant_view(c, in->restaurant_id ? in->restaurant_id : r.restaurant_id, in,
                                   &res, 0);
        return fc_error_result(c, &res);
    }
    fc_review_clear(&r);
    snprintf(to, sizeof to, "/restaurants/%lld#my-review", (long long)r.restaurant_id);
    return fc_redirect(c, to,
                       res.status == 200 ? "Your review is updated." : "Thanks for your review!");
}

/* POST /restaurants/:id/review: write your review of a restaurant (or rewrite it, when there is
 * one: one review per person and restaurant). */
int page_review_post(struct fc_ctx *c)
{
    struct fc_svc_review_in in = {.restaurant_id = pages_arg_id(c, 0)};
    if (!in.restaurant_id)
        return 404;
    return review_write(c, &in);
}

/* POST /reviews/:id/edit */
int page_review_edit(struct fc_ctx *c)
{
    struct fc_svc_review_in in = {.review_id = pages_arg_id(c, 0)};
    if (!in.review_id)
        return 404;
    return review_write(c, &in);
}

/* POST /reviews/:id/delete */
int page_review_delete(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_review r;
    int64_t id;
    char to[64];
    if (!(id = pages_arg_id(c, 0)))
        return 404;
    if (fc_svc_review_delete(&sv, id, &r, &res))
        return fc_error_result(c, &res);
    fc_review_clear(&r);
    snprintf(to, sizeof to, "/restaurants/%lld", (long long)r.restaurant_id);
    return fc_redirect(c, pages_safe_next(*fc_form(c, "next") ? fc_form(c, "next") : to),
                       "Your review is deleted.");
}

/* GET /photos/:key: a review photo from the blob store, only to a viewer who may see at least
 * one review carrying it (the store's rule for every review list: reviews_with_photo); to
 * anyone else, and once no review carries it, a 404 as for a photo that does not exist. */
int page_photo(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    const char *key = c->args[0];
    char *data = NULL;
    size_t len = 0;
    int n = 0, fresh = pages_etag_fresh(c, key);
    if (fc_svc_photo(&sv, key, !fresh, &n, &data, &len, &res))
        return res.status == 404 ? 404 : fc_error_result(c, &res);
    /* Who may see a photo changes (friends-only, blocks, deleted reviews), so the answer
     * depends on the viewer and on the moment: "private" keeps it out of shared caches, and
     * "no-cache" makes the browser ask again before each use, so that the check above runs
     * every time (also for the next person on a shared browser). The bytes under a key never
     * change (content-addressed), so the key is the ETag, and a viewer still allowed gets a
     * 304 without the bytes. */
    return pages_send_photo(c, key, fresh ? NULL : data, len);
}

/* POST /restaurants/:id/save and /unsave */
int page_save(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    int64_t id;
    int save = strcmp(c->args[1], "save") == 0;
    char to[64];

    if (!(id = pages_arg_id(c, 0)))
        return 404;
    if (strcmp(c->args[1], "been") == 0) { /* off the list, on to the review form */
        if (fc_svc_save_been(&sv, id, &res))
            return fc_error_result(c, &res);
        snprintf(to, sizeof to, "/restaurants/%lld#my-review", (long long)id);
        return fc_redirect(c, to, "Off your want-to-go list: you have been there. How was it?");
    }
    if (strcmp(c->args[1], "note") == 0) { /* the owner's private note, from /saved */
        if (fc_svc_save_note_set(&sv, id, fc_form(c, "note"), &res))
            return fc_error_result(c, &res);
        return fc_redirect(c, "/saved", "Note saved. Only you see it.");
    }
    if (!save && strcmp(c->args[1], "unsave") != 0)
        return 404;
    if (fc_svc_save_set(&sv, id, save, &res))
        return fc_error_result(c, &res);
    snprintf(to, sizeof to, "/restaurants/%lld", (long long)id);
    return fc_redirect(
        c, pages_safe_next(*fc_form(c, "next") ? fc_form(c, "next") : to),
        !save ? "Removed from your list."
        : c->user.saves_private
            ? "Saved to your want-to-go list. Only you see your list."
            : "Saved to your want-to-go list. Your friends will see it in their feed.");
}

/* GET /saved: your want-to-go list. */
int page_saved(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_restaurant *rows = NULL;
    struct fc_save_note *notes = NULL;
    int n = 0, nn = 0, status;
    if (fc_svc_save_list(&sv, &rows, &n, &res) || fc_svc_save_notes(&sv, n, &notes, &nn, &res)) {
        fc_restaurants_free(rows, n);
        return fc_error_result(c, &res);
    }
    for (int i = 0; i < n; i++) {
        char p[48];
        snprintf(p, sizeof p, "Saved.%d", i);
        pages_set_restaurant(c, p, &rows[i]);
        snprintf(p, sizeof p, "Saved.%d.Note", i);
        fc_set(c, p, fc_svc_save_note_of(notes, nn, rows[i].id));
    }
    fc_set_int(c, "Page.NoteMax", FC_SAVE_NOTE_CHARS);
    fc_set(c, "Page.Title", "Want to go");
    status = fc_render(c, "saved.cs") ? 500 : 0;
    free(notes);
    fc_restaurants_free(rows, n);
    return status;
}
