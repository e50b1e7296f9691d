/* svc/restaurants: a restaurant as its page shows it (reviews, friends' rating, saved state,
 * the actor's review, the interaction log of a view), the search and its parameters, the
 * facets, the home page's figures and the health check (svc/content.h). */
#include "core/app.h"
#include "core/map.h"
#include "core/util.h"
#include "svc/content.h"
#include "svc/views.h"
#include "svc/visual.h"

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

static const struct {
    const char *name;
    int sort;
} sorts[] = {
    {"name", FC_SORT_NAME},       {"rating", FC_SORT_RATING},   {"reviews", FC_SORT_REVIEWS},
    {"nearest", FC_SORT_NEAREST}, {"friends", FC_SORT_FRIENDS},
};

/* "lat,lon" in degrees: FC_OK or FC_EINVAL. */
/* Where nearest measures from: near=, else the centre of the city searched, else of the
 * actor's home city. */
static int nearest_from(const struct fc_svc *sv, const struct fc_svc_search_in *in,
                        struct fc_svc_search_out *out, struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    const char *cities[2] = {in->city, sv->actor ? sv->actor->city : NULL};
    if (in->near && *in->near) {
        out->has_near = 1;
        out->near_from = "point";
        return FC_OK;
    }
    for (int i = 0; i < 2; i++) {
        int rc;
        if (!cities[i] || !*cities[i])
            continue;
        rc = s->ops->rest_city_centre(s, cities[i], &out->near_lat, &out->near_lon);
        if (rc == FC_ERR)
            return fc_svc_fail_store(sv, res, "city centre");
        if (rc == FC_OK) {
            out->has_near = 1;
            out->near_from = cities[i];
            return FC_OK;
        }
    }
    return fc_svc_fail(res, 422, "invalid_value", "near",
                       "To sort by distance, give a point (near=latitude,longitude) or choose a "
                       "city.");
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
        .facet_cuisines = in->facets ? &out->cuisines : NULL,
        .facet_cities = in->facets ? &out->cities : NULL,
    };
    const char *sort = in->sort && *in->sort ? in->sort : "name";
    long page = 1, at = 0;
    size_t k;

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
    for (k = 0; k < FC_ARRAY_LEN(sorts) && strcmp(sorts[k].name, sort); k++)
        ;
    if (k == FC_ARRAY_LEN(sorts))
        return fc_svc_fail(res, 422, "invalid_value", "sort",
                           "Sort must be \"name\", \"rating\", \"reviews\", \"nearest\" or "
                           "\"friends\".");
    out->sort = q.sort = sorts[k].sort;
    out->sort_name = sorts[k].name;
    if (q.sort == FC_SORT_FRIENDS && !fc_svc_actor_id(sv))
        return fc_svc_fail(res, 422, "invalid_value", "sort",
                           "Log in to sort by your friends' rating.");
    q.viewer = fc_svc_actor_id(sv);
    if (in->near && *in->near && fc_map_parse_point(in->near, &out->near_lat, &out->near_lon))
        return fc_svc_bad_near(res);
    if (in->open && *in->open && strcmp(in->open, "0") && strcmp(in->open, "1"))
        return fc_svc_fail(res, 422, "invalid_value", "open",
                           "Open must be 1 (open now) or 0 (any time).");
    if (in->open_at && *in->open_at && fc_parse_int(in->open_at, 1, 0xffffffffffL, &at))
        return fc_svc_fail(res, 422, "invalid_value", "open_at",
                           "open_at is a time in seconds since 1970 (UTC).");
    if (q.sort == FC_SORT_NEAREST && nearest_from(sv, in, out, res))
        return res->status == 500 ? FC_ERR : FC_EINVAL;
    q.near_lat = out->near_lat;
    q.near_lon = out->near_lon;
    q.open_at = at ? at : in->open && strcmp(in->open, "1") == 0 ? fc_now() : 0;
    out->open_at = q.open_at;
    q.offset = (int)(page - 1) * FC_SVC_SEARCH_PER_PAGE;
    if (s->ops->rest_search(s, &q, &out->rows, &out->n, &out->total)) {
        fc_svc_search_free(out);
        return fc_svc_fail_store(sv, res, "restaurant search");
    }
    out->page = (int)page;
    out->per_page = FC_SVC_SEARCH_PER_PAGE;
    out->pages = (out->total + FC_SVC_SEARCH_PER_PAGE - 1) / FC_SVC_SEARCH_PER_PAGE;
    if (page > 1 && page > out->pages) {
        int last = out->pages ? out->pages : 1;
        fc_svc_search_free(out);
        return fc_svc_fail(res, 404, "page_not_found", "page",
                           "There is no page %ld: the last page is %d.", page, last);
    }
    out->first = out->total ? q.offset + 1 : 0;
    out->last = q.offset + out->n;
    return FC_OK;
}

void fc_svc_search_free(struct fc_svc_search_out *out)
{
    fc_restaurants_free(out->rows, out->n);
    out->rows = NULL;
    out->n = 0;
    fc_strlist_free(&out->cuisines);
    fc_strlist_free(&out->cities);
}

int fc_svc_restaurant_facets(const struct fc_svc *sv, struct fc_strlist *cuisines,
                             struct fc_strlist *cities, struct fc_svc_result *res)
{
    fc_svc_ok(res, 200);
    *cuisines = (struct fc_strlist){0};
    *cities = (struct fc_strlist){0};
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
    else
        fc_views_note(app->views, v->user_id, v->restaurant_id, v->at);
}

/* The interaction log of a logged-in view of restaurant id, after the answer. The rule: a view
 * of a place the viewer viewed within Rec.ViewRepeatSeconds (30 minutes), as far as this
 * process logged it (svc/views.c), is a repeat and is not logged again: the recommender counts
 * a viewer's views of one place once anyway (a flag, store/sqlite_rec.c), so a reload or a
 * return to the page adds nothing for it but a write per request. */
static void log_view(const struct fc_svc *sv, int64_t id)
{
    struct pending_view *v;
    int64_t now = fc_now();
    if (fc_views_repeat(sv->app->views, fc_svc_actor_id(sv), id, now))
        return;
    if (!(v = calloc(1, sizeof *v))) {
        fprintf(stderr, "forkcast: [%s] could not log a view (no memory)\n",
                sv->request_id ? sv->request_id : "-");
        return;
    }
    v->user_id = fc_svc_actor_id(sv);
    v->restaurant_id = id;
    v->at = now;
    fc_strlcpy(v->request_id, sv->request_id ? sv->request_id : "-", sizeof v->request_id);
    fc_svc_defer(sv, view_after, v);
}

void fc_svc_restaurant_viewed(const struct fc_svc *sv, int64_t id)
{
    if (fc_svc_actor_id(sv))
        log_view(sv, id);
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
    fc_restaurant_clear(&r); /* that it is there is what counts */
    return reviews_of(sv, id, max, out, n, res);
}

int fc_svc_restaurant_view(const struct fc_svc *sv, int64_t id, int max_reviews, int log,
                           struct fc_svc_restaurant_view *out, struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    int64_t uid = fc_svc_actor_id(sv);
    int rc;

    memset(out, 0, sizeof *out);
    fc_svc_ok(res, 200);
    /* the restaurant and, for a logged-in actor, their save, review and friends' rating: one
     * store operation (one call on DynamoDB) */
    rc = id > 0 ? s->ops->rest_view_get(s, id, uid, &out->rest, &out->saved, &out->mine,
                                        &out->friends_count, &out->friends_avg)
                : FC_NOTFOUND;
    if (rc == FC_NOTFOUND)
        return fc_svc_fail(res, 404, "restaurant_not_found", NULL, "There is no such restaurant.");
    if (rc) {
        fc_svc_restaurant_view_free(out);
        return fc_svc_fail_store(sv, res, uid ? "restaurant extras" : "restaurant");
    }
    out->has_mine = out->mine.id != 0;
    if (max_reviews > 0 && reviews_of(sv, id, max_reviews, &out->reviews, &out->n_reviews, res)) {
        fc_svc_restaurant_view_free(out);
        return FC_EINVAL;
    }
    if (uid && log)
        log_view(sv, id);
    return FC_OK;
}

/* The page of a restaurant's reviews page_text names: FC_OK, or a failure in res. */
static int reviews_page_of(const struct fc_svc *sv, int64_t id, const char *page_text,
                           struct fc_review_row **out, int *n, int *page, int *more,
                           struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    long pg = 1;
    int got = 0;
    *out = NULL;
    *n = *more = 0;
    *page = 1;
    if (page_text && *page_text && fc_parse_int(page_text, 1, FC_SVC_REVIEWS_MAX_PAGE, &pg))
        return fc_svc_fail(res, 400, "invalid_parameter", "page",
                           "The page of reviews must be a whole number from 1 to %d.",
                           FC_SVC_REVIEWS_MAX_PAGE);
    /* one row more than the page says whether another follows */
    if (!(*out = calloc(FC_SVC_REVIEWS_PER_PAGE + 1, sizeof **out)))
        return fc_svc_fail_store(sv, res, "reviews of restaurant (no memory)");
    if (s->ops->reviews_of_restaurant_from(s, id, fc_svc_actor_id(sv),
                                           (int)(pg - 1) * FC_SVC_REVIEWS_PER_PAGE, *out,
                                           FC_SVC_REVIEWS_PER_PAGE + 1, &got)) {
        free(*out);
        *out = NULL;
        return fc_svc_fail_store(sv, res, "reviews of restaurant");
    }
    if (pg > 1 && got == 0) {
        free(*out);
        *out = NULL;
        return fc_svc_fail(res, 404, "page_not_found", "page",
                           "There is no page %ld of this restaurant's reviews.", pg);
    }
    *more = got > FC_SVC_REVIEWS_PER_PAGE;
    *n = *more ? FC_SVC_REVIEWS_PER_PAGE : got;
    fc_review_rows_clear(*out + *n, got - *n); /* the look-ahead row */
    *page = (int)pg;
    return FC_OK;
}

int fc_svc_restaurant_reviews_page(const struct fc_svc *sv, int64_t id, const char *page_text,
                                   struct fc_review_row **out, int *n, int *page, int *more,
                                   struct fc_svc_result *res)
{
    struct fc_restaurant r;
    *out = NULL;
    *n = 0;
    if (fc_svc_restaurant_get(sv, id, &r, res))
        return FC_EINVAL;
    fc_restaurant_clear(&r); /* that it is there is what counts */
    return reviews_page_of(sv, id, page_text, out, n, page, more, res);
}

int fc_svc_restaurant_stars(const struct fc_svc *sv, int64_t id, int stars[5],
                            struct fc_svc_result *res)
{
    fc_svc_ok(res, 200);
    if (sv->app->store->ops->rest_star_counts(sv->app->store, id, stars))
        return fc_svc_fail_store(sv, res, "star counts");
    return FC_OK;
}

int fc_svc_restaurant_view_page(const struct fc_svc *sv, int64_t id, const char *page_text,
                                int log_it, struct fc_svc_restaurant_view *out,
                                struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    int64_t uid = fc_svc_actor_id(sv);
    struct fc_rest_page pg;
    long page = 1;
    int got = 0, rc;

    memset(out, 0, sizeof *out);
    fc_svc_ok(res, 200);
    if (page_text && *page_text && fc_parse_int(page_text, 1, FC_SVC_REVIEWS_MAX_PAGE, &page)) {
        /* no such restaurant comes first (404), then the bad page (400) */
        if (fc_svc_restaurant_view(sv, id, 0, 0, out, res))
            return FC_EINVAL;
        fc_svc_restaurant_view_free(out);
        return fc_svc_fail(res, 400, "invalid_parameter", "page",
                           "The page of reviews must be a whole number from 1 to %d.",
                           FC_SVC_REVIEWS_MAX_PAGE);
    }
    if (id <= 0)
        return fc_svc_fail(res, 404, "restaurant_not_found", NULL, "There is no such restaurant.");
    /* one row more than the page says whether another follows */
    if (!(out->reviews = calloc(FC_SVC_REVIEWS_PER_PAGE + 1, sizeof *out->reviews)))
        return fc_svc_fail_store(sv, res, "reviews of restaurant (no memory)");
    /* the restaurant, the actor's save, review and friends' rating, the page of reviews and
       the star counts: one store operation (on DynamoDB they share their reads) */
    rc = s->ops->rest_page_get(s, id, uid, (int)(page - 1) * FC_SVC_REVIEWS_PER_PAGE, &pg,
                               out->reviews, FC_SVC_REVIEWS_PER_PAGE + 1, &got);
    if (rc) {
        fc_svc_restaurant_view_free(out);
        if (rc == FC_NOTFOUND)
            return fc_svc_fail(res, 404, "restaurant_not_found", NULL,
                               "There is no such restaurant.");
        return fc_svc_fail_store(sv, res, uid ? "restaurant extras" : "restaurant");
    }
    out->rest = pg.rest;
    out->saved = pg.saved;
    out->mine = pg.mine; /* its text moves to out */
    out->has_mine = out->mine.id != 0;
    out->friends_count = pg.friends_count;
    out->friends_avg = pg.friends_avg;
    memcpy(out->stars, pg.stars, sizeof out->stars);
    out->n_reviews = got;
    if (page > 1 && got == 0) {
        fc_svc_restaurant_view_free(out);
        return fc_svc_fail(res, 404, "page_not_found", "page",
                           "There is no page %ld of this restaurant's reviews.", page);
    }
    out->reviews_more = got > FC_SVC_REVIEWS_PER_PAGE;
    out->n_reviews = out->reviews_more ? FC_SVC_REVIEWS_PER_PAGE : got;
    fc_review_rows_clear(out->reviews + out->n_reviews, got - out->n_reviews); /* look-ahead */
    out->reviews_page = (int)page;
    if (log_it && uid)
        log_view(sv, id);
    return FC_OK;
}

void fc_svc_restaurant_view_free(struct fc_svc_restaurant_view *v)
{
    fc_review_rows_free(v->reviews, v->n_reviews);
    v->reviews = NULL;
    v->n_reviews = 0;
    fc_review_clear(&v->mine);
    fc_restaurant_clear(&v->rest);
}

int fc_svc_home(const struct fc_svc *sv, int max, struct fc_restaurant **featured, int *n,
                int *total, int *my_reviews, const char **city, struct fc_svc_result *res)
{
    struct fc_store *s = sv->app->store;
    struct fc_rest_query q = {
        .text = "", .cuisine = "", .price = "", .city = "", .limit = max, .sort = FC_SORT_RATING};
    int count = 0, all = 0;

    fc_svc_ok(res, 200);
    if (my_reviews)
        *my_reviews = -1;
    *city = "";
    /* how many in all; then the best rated of the actor's city, when it has places */
    if (s->ops->rest_search(s, &q, featured, n, &all))
        return fc_svc_fail_store(sv, res, "featured restaurants");
    *total = all;
    if (sv->actor && *sv->actor->city) {
        struct fc_restaurant *local = NULL;
        int ln = 0, lt = 0;
        q.city = sv->actor->city;
        if (s->ops->rest_search(s, &q, &local, &ln, &lt)) {
            fc_restaurants_free(*featured, *n);
            *featured = NULL;
            *n = 0;
            return fc_svc_fail_store(sv, res, "featured restaurants");
        }
        if (ln > 0) {
            fc_restaurants_free(*featured, *n);
            *featured = local;
            *n = ln;
            *city = sv->actor->city;
        } else {
            fc_restaurants_free(local, ln);
        }
    }
    if (my_reviews && fc_svc_actor_id(sv) &&
        s->ops->review_count_user(s, fc_svc_actor_id(sv), &count) == FC_OK)
        *my_reviews = count;
    return FC_OK;
}

int fc_svc_health(const struct fc_svc *sv, struct fc_svc_result *res)
{
    struct fc_user u;
    int rc;
    fc_svc_ok(res, 200);
    rc = sv->app->store->ops->user_get(sv->app->store, 0, &u);
    fc_user_clear(&u);
    if (rc == FC_ERR)
        return fc_svc_fail(res, 503, "unavailable", NULL, "store unavailable");
    return FC_OK;
}
