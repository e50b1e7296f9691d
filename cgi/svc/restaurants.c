/* svc/restaurants: a restaurant as its page shows it (reviews, friends' rating, saved state,
 * the actor's review, the interaction log of a view), the search and its parameters, the
 * facets, the home page's figures and the health check (svc/content.h). */
#include "core/app.h"
#include "core/util.h"
#include "svc/content.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEARCH_TEXT_MAX 100

int fc_svc_restaurant_get(const struct fc_svc *sv, int64_t id, struct fc_restaurant *out,
                          struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    int rc = id > 0 ? s->ops->rest_get(s, id, out) : FC_NOTFOUND;
    fc_svc_ok(res, 200);
    if (rc == FC_NOTFOUND)
        return fc_svc_fail(res, 404, "restaurant_not_found", NULL, "There is no such restaurant.");
    if (rc)
        return fc_svc_fail_store(sv, res, "restaurant");
    return FC_OK;
}

int fc_svc_restaurant_search(const struct fc_svc *sv, const struct fc_svc_search_in *in,
                             struct fc_svc_search_out *out, struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    struct fc_rest_query q = {
        .text = in->text ? in->text : "",
        .cuisine = in->cuisine ? in->cuisine : "",
        .price = in->price ? in->price : "",
        .city = in->city ? in->city : "",
        .limit = FC_SVC_SEARCH_PER_PAGE,
    };
    long page = 1;

    fc_svc_ok(res, 200);
    memset(out, 0, sizeof *out);
    if (in->page && *in->page && fc_parse_int(in->page, 1, 100000, &page))
        return fc_svc_fail(res, 400, "invalid_parameter", "page",
                           "The page number must be a whole number from 1.");
    if (strlen(q.text) > SEARCH_TEXT_MAX)
        return fc_svc_fail(res, 400, "invalid_parameter", "q",
                           "Search text is too long (at most %d characters).", SEARCH_TEXT_MAX);
    if (*q.price && strcmp(q.price, "low") && strcmp(q.price, "medium") && strcmp(q.price, "high"))
        return fc_svc_fail(res, 400, "invalid_parameter", "price",
                           "Price must be \"low\", \"medium\" or \"high\".");
    q.offset = (int)(page - 1) * FC_SVC_SEARCH_PER_PAGE;
    if (s->ops->rest_search(s, &q, &out->rows, &out->n, &out->total))
        return fc_svc_fail_store(sv, res, "restaurant search");
    out->page = (int)page;
    out->per_page = FC_SVC_SEARCH_PER_PAGE;
    out->pages = (out->total + FC_SVC_SEARCH_PER_PAGE - 1) / FC_SVC_SEARCH_PER_PAGE;
    out->first = out->total ? q.offset + 1 : 0;
    out->last = q.offset + out->n;
    return FC_OK;
}

void fc_svc_search_free(struct fc_svc_search_out *out)
{
    free(out->rows);
    out->rows = NULL;
    out->n = 0;
}

int fc_svc_restaurant_facets(const struct fc_svc *sv, HDF *cuisines, HDF *cities,
                             struct fc_svc_result *res)
{
    fc_svc_ok(res, 200);
    if (sv->app->store->ops->rest_facets(sv->app->store, cuisines, cities))
        return fc_svc_fail_store(sv, res, "facets");
    return FC_OK;
}

/* A view waiting for the end of the answer. */
struct pending_view {
    int64_t user_id, restaurant_id, at;
    char request_id[17];
};

static void view_after(struct fc_app *app, void *arg)
{
    const struct pending_view *v = arg;
    if (app->store->ops->event_add(app->store, v->user_id, v->restaurant_id, "view", 1, v->at))
        fprintf(stderr, "forkcast: [%s] could not log a view\n", v->request_id);
}

/* The interaction log of a logged-in view of restaurant id, after the answer. */
static void log_view(const struct fc_svc *sv, int64_t id)
{
    struct pending_view *v = calloc(1, sizeof *v);
    if (!v) {
        fprintf(stderr, "forkcast: [%s] could not log a view (no memory)\n",
                sv->request_id ? sv->request_id : "-");
        return;
    }
    v->user_id = fc_svc_actor_id(sv);
    v->restaurant_id = id;
    v->at = fc_now();
    fc_strlcpy(v->request_id, sv->request_id ? sv->request_id : "-", sizeof v->request_id);
    fc_svc_defer(sv, view_after, v);
}

/* The reviews of restaurant id (known to exist) the actor may see: fc_svc_restaurant_reviews's
 * read, without reading the restaurant again. */
static int reviews_of(const struct fc_svc *sv, int64_t id, int max, struct fc_review_row **out,
                      int *n, struct fc_svc_result *res)
{
    *out = NULL;
    *n = 0;
    if (!(*out = malloc((size_t)(max > 0 ? max : 1) * sizeof **out)))
        return fc_svc_fail_store(sv, res, "reviews of restaurant (no memory)");
    if (sv->app->store->ops->reviews_of_restaurant(sv->app->store, id, fc_svc_actor_id(sv), *out,
                                                   max, n)) {
        free(*out);
        *out = NULL;
        return fc_svc_fail_store(sv, res, "reviews of restaurant");
    }
    return FC_OK;
}

int fc_svc_restaurant_reviews(const struct fc_svc *sv, int64_t id, int max,
                              struct fc_review_row **out, int *n, struct fc_svc_result *res)
{
    struct fc_restaurant r;
    *out = NULL;
    *n = 0;
    if (fc_svc_restaurant_get(sv, id, &r, res))
        return FC_EINVAL;
    return reviews_of(sv, id, max, out, n, res);
}

int fc_svc_restaurant_view(const struct fc_svc *sv, int64_t id, int max_reviews, int log,
                           struct fc_svc_restaurant_view *out, struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    int64_t uid = fc_svc_actor_id(sv);
    int rc;

    memset(out, 0, sizeof *out);
    if (fc_svc_restaurant_get(sv, id, &out->rest, res))
        return FC_EINVAL;
    if (max_reviews > 0 && reviews_of(sv, id, max_reviews, &out->reviews, &out->n_reviews, res))
        return FC_EINVAL;
    if (uid) {
        if (s->ops->friends_rating(s, uid, id, &out->friends_count, &out->friends_avg) ||
            s->ops->save_exists(s, uid, id, &out->saved) ||
            (rc = s->ops->review_get_by(s, uid, id, &out->mine)) == FC_ERR) {
            fc_svc_restaurant_view_free(out);
            return fc_svc_fail_store(sv, res, "restaurant extras");
        }
        out->has_mine = rc == FC_OK;
        if (log)
            log_view(sv, id);
    }
    return FC_OK;
}

void fc_svc_restaurant_view_free(struct fc_svc_restaurant_view *v)
{
    fc_review_rows_free(v->reviews, v->n_reviews);
    v->reviews = NULL;
    v->n_reviews = 0;
    fc_review_clear(&v->mine);
}

int fc_svc_home(const struct fc_svc *sv, int max, struct fc_restaurant **featured, int *n,
                int *total, int *my_reviews, struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    struct fc_rest_query q = {.text = "", .cuisine = "", .price = "", .city = "", .limit = max};
    int count = 0;

    fc_svc_ok(res, 200);
    *my_reviews = -1;
    if (s->ops->rest_search(s, &q, featured, n, total))
        return fc_svc_fail_store(sv, res, "featured restaurants");
    if (fc_svc_actor_id(sv) && s->ops->review_count_user(s, fc_svc_actor_id(sv), &count) == FC_OK)
        *my_reviews = count;
    return FC_OK;
}

int fc_svc_health(const struct fc_svc *sv, struct fc_svc_result *res)
{
    struct fc_user u;
    fc_svc_ok(res, 200);
    if (sv->app->store->ops->user_get(sv->app->store, 0, &u) == FC_ERR)
        return fc_svc_fail(res, 503, "unavailable", NULL, "store unavailable");
    return FC_OK;
}
