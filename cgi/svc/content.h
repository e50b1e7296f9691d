/* svc/content: the service operations on what the site is about: reviews (svc/reviews.c), the
 * want-to-go list (svc/saves.c), restaurants, their search and facets, the home page's
 * figures and the health check (svc/restaurants.c), the friends' feed (svc/feed.c) and
 * recommendations (svc/recs.c). Each is written once, for the web pages and the JSON API; a
 * failure is a struct fc_svc_result (svc.h) that both answer with fc_error_result. */
#ifndef FC_SVC_CONTENT_H
#define FC_SVC_CONTENT_H

#include "rec/engine.h"
#include "svc/svc.h"

/* ---- reviews ---------------------------------------------------------------------------- */

/* Limits.MaxReview's default: the most characters a review's text may have. */
#define FC_SVC_REVIEW_MAX_TEXT 2000
/* Limits.MaxPhoto's default: the largest review photo, in bytes. */
#define FC_SVC_REVIEW_MAX_PHOTO (5 << 20)

/* A review as the person sends it (a form or a JSON body). */
struct fc_svc_review_in {
    int64_t restaurant_id; /* write: the restaurant reviewed (review_id 0) */
    int64_t review_id;     /* write: the review rewritten (0: the actor's of restaurant_id) */
    int stars;             /* 1 to 5; anything else (0: missing) is refused */
    const char *body;      /* NULL: "" */
    const char *visited;   /* the month of the visit, "YYYY-MM"; NULL or "": not said */
    const char *photo;     /* a new photo's bytes, or NULL: the review keeps its photo */
    size_t photo_len;
    int remove_photo; /* drop the photo (when no new one is given) */
};

/* The configured limits, their defaults written once (above). */
int fc_svc_review_max_text(const struct fc_svc *sv);
/* Checks a month of visit: "" (not said) or "YYYY-MM" from 1900-01 up to the current month
 * (UTC). FC_OK, or FC_EINVAL with the reason in res (422, field "visited"). */
int fc_svc_review_visited_check(const char *visited, int64_t now, struct fc_svc_result *res);
/* Writes the actor's review: a new one (201), or, when the actor reviewed the restaurant
 * already or in->review_id names their review, that one rewritten (200): one review per person
 * and restaurant, whichever front end and route. Someone else's review is a 403, a missing
 * restaurant or review a 404, refused fields a 422 naming the field (413/415 for the photo).
 * The stored review into *out; logs the "review" event (interaction log, Personalize). *out
 * owns a body whatever the result (the caller's fc_review_clear). */
int fc_svc_review_write(const struct fc_svc *sv, const struct fc_svc_review_in *in,
                        struct fc_review *out, struct fc_svc_result *res);
/* Deletes the actor's review id (403 someone else's, 404 none); the deleted one into *out
 * (with its body on success: fc_review_clear). */
int fc_svc_review_delete(const struct fc_svc *sv, int64_t id, struct fc_review *out,
                         struct fc_svc_result *res);
/* Review id as the actor may see it (404 when not, as when there is none), with its author
 * and restaurant (with its body on success: fc_review_clear(&out->r)). */
int fc_svc_review_get(const struct fc_svc *sv, int64_t id, struct fc_review_row *out,
                      struct fc_svc_result *res);
/* GET /photos/:key: *n (0 or 1) reviews carrying photo that the actor may see, and the bytes
 * (malloc'ed, the caller frees) when want_bytes and *n. 404 for a key that is not one. */
int fc_svc_photo(const struct fc_svc *sv, const char *key, int want_bytes, int *n, char **data,
                 size_t *len, struct fc_svc_result *res);

/* ---- want to go ------------------------------------------------------------------------- */

/* Saves (save 1) or unsaves restaurant id for the actor; logs the event. 404: no restaurant. */
int fc_svc_save_set(const struct fc_svc *sv, int64_t restaurant_id, int save,
                    struct fc_svc_result *res);
/* The actor's list, newest first: *out malloc'ed for the rows there are
 * (fc_restaurants_free(*out, *n)). */
/* "Been there": restaurant_id leaves the actor's want-to-go list (an "unsave" event) and the
 * front end leads on to the review form for it; 200, or fc_svc_save_set's failures. */
int fc_svc_save_been(const struct fc_svc *sv, int64_t restaurant_id, struct fc_svc_result *res);
int fc_svc_save_list(const struct fc_svc *sv, struct fc_restaurant **out, int *n,
                     struct fc_svc_result *res);
/* The actor's private note on a place of their list ("" clears it): 422 (field "note") over
 * FC_SAVE_NOTE_CHARS characters or not UTF-8, 404 when the place is not on the list. */
int fc_svc_save_note_set(const struct fc_svc *sv, int64_t restaurant_id, const char *note,
                         struct fc_svc_result *res);
/* The actor's notes (only ever the actor's own), as many as max (the list's length): *out
 * malloc'ed (the caller frees); fc_svc_save_note_of finds a place's ("" for none). */
int fc_svc_save_notes(const struct fc_svc *sv, int max, struct fc_save_note **out, int *n,
                      struct fc_svc_result *res);
const char *fc_svc_save_note_of(const struct fc_save_note *notes, int n, int64_t restaurant_id);

/* ---- restaurants ------------------------------------------------------------------------ */

#define FC_SVC_SEARCH_PER_PAGE 20

/* Search parameters as they come (query strings on both front ends). */
struct fc_svc_search_in {
    const char *text, *cuisine, *price, *city, *page; /* NULL: "" */
    /* discovery: sort ("", name, rating, reviews, nearest, friends), near ("lat,lon"), open
     * ("", "0" or "1": open now), open_at (unix time: open then) */
    const char *sort, *near, *open, *open_at;
    /* 1: also the catalog's cuisines and cities into out (the list page's choices; one read
     * with the search on DynamoDB) */
    int facets;
};

struct fc_svc_search_out {
    struct fc_restaurant *rows; /* malloc'ed: fc_svc_search_free */
    int n, total, page, pages, per_page, first, last;
    int sort;              /* FC_SORT_* */
    const char *sort_name; /* its name, as the parameter says it (static) */
    int has_near;          /* nearest: from (near_lat, near_lon) */
    double near_lat, near_lon;
    const char *near_from; /* "point" (near=) or the city whose centre it is (in's or the
                            * actor's) */
    int64_t open_at;       /* 0, or the time places had to be open */
    struct fc_strlist cuisines, cities; /* in->facets: the filters' choices, sorted */
};

/* Checks the parameters and searches: 400 naming the one at fault for page (not a whole number
 * from 1), q (too long) and price; 422 for sort (not a known order; friends when not logged
 * in), near (not "lat,lon"; nearest without a point, a city or a home city with places),
 * open and open_at; 404 for a page past the last (page 1 is always there). */
int fc_svc_restaurant_search(const struct fc_svc *sv, const struct fc_svc_search_in *in,
                             struct fc_svc_search_out *out, struct fc_svc_result *res);
void fc_svc_search_free(struct fc_svc_search_out *out);
/* The cuisines and cities restaurants have, sorted, into the lists (emptied first; the caller
 * frees them, also on failure). */
int fc_svc_restaurant_facets(const struct fc_svc *sv, struct fc_strlist *cuisines,
                             struct fc_strlist *cities, struct fc_svc_result *res);
/* Restaurant id (404); on FC_OK the caller clears *out (fc_restaurant_clear). */
int fc_svc_restaurant_get(const struct fc_svc *sv, int64_t id, struct fc_restaurant *out,
                          struct fc_svc_result *res);

/* A restaurant as its page shows it to the actor. */
struct fc_svc_restaurant_view {
    struct fc_restaurant rest;     /* its text freed by fc_svc_restaurant_view_free */
    struct fc_review_row *reviews; /* malloc'ed: fc_svc_restaurant_view_free */
    int n_reviews;
    /* for a logged-in actor: */
    int friends_count;
    double friends_avg;
    int saved;
    int has_mine;
    struct fc_review mine; /* its body freed by fc_svc_restaurant_view_free too */
    /* fc_svc_restaurant_view_page: the star distribution (stars[0]: 1 star) and the page */
    int stars[5];
    int reviews_page, reviews_more; /* more: a page after this one */
};

#define FC_SVC_REVIEWS_PER_PAGE 20
#define FC_SVC_REVIEWS_MAX_PAGE 50

/* fc_svc_restaurant_view with the page page_text (NULL or "": 1) of its reviews,
 * FC_SVC_REVIEWS_PER_PAGE a page, and the star distribution: 400 for a page that is not a
 * whole number from 1 to FC_SVC_REVIEWS_MAX_PAGE, 404 for one past the last (page 1 is always
 * there). */
int fc_svc_restaurant_view_page(const struct fc_svc *sv, int64_t id, const char *page_text,
                                int log_view, struct fc_svc_restaurant_view *out,
                                struct fc_svc_result *res);
/* The star distribution of restaurant id (stars[0]: 1 star; all its reviews, as its average). */
int fc_svc_restaurant_stars(const struct fc_svc *sv, int64_t id, int stars[5],
                            struct fc_svc_result *res);
/* One page of a restaurant's reviews the actor may see (as the view's): *out malloc'ed, *more
 * when a page follows; the same errors. */
int fc_svc_restaurant_reviews_page(const struct fc_svc *sv, int64_t id, const char *page_text,
                                   struct fc_review_row **out, int *n, int *page, int *more,
                                   struct fc_svc_result *res);

/* Restaurant id with up to max_reviews reviews the actor may see (friends' first), and for a
 * logged-in actor the friends' rating, the saved state and their review. log_view: a
 * logged-in actor's view goes to the interaction log (after the answer). */
int fc_svc_restaurant_view(const struct fc_svc *sv, int64_t id, int max_reviews, int log_view,
                           struct fc_svc_restaurant_view *out, struct fc_svc_result *res);
void fc_svc_restaurant_view_free(struct fc_svc_restaurant_view *v);
/* The view fc_svc_restaurant_view logs for a logged-in actor (after the answer), alone: for
 * the page of restaurant id answered from the page cache (core/pagecache.c). */
void fc_svc_restaurant_viewed(const struct fc_svc *sv, int64_t id);
/* Up to max reviews of restaurant id the actor may see (404: no restaurant); *out malloc'ed
 * with their bodies: fc_review_rows_free(*out, *n). */
int fc_svc_restaurant_reviews(const struct fc_svc *sv, int64_t id, int max,
                              struct fc_review_row **out, int *n, struct fc_svc_result *res);
/* The home page: up to max featured restaurants (fc_restaurants_free(*featured, *n)): the best
 * rated (Bayesian) in *city (the actor's home city when restaurants are there; else "", all),
 * how many there are in all, and the actor's review count (-1 when unknown or a visitor;
 * my_reviews NULL: not read, the page has it from fc_svc_recs_for_user_counted). */
int fc_svc_home(const struct fc_svc *sv, int max, struct fc_restaurant **featured, int *n,
                int *total, int *my_reviews, const char **city, struct fc_svc_result *res);
/* The load balancers' health check: 200, or 503 when the store does not answer. */
int fc_svc_health(const struct fc_svc *sv, struct fc_svc_result *res);

/* ---- the friends' feed ------------------------------------------------------------------ */

#define FC_SVC_FEED_PAGE 20

struct fc_svc_feed_out {
    struct fc_feed_item *items; /* malloc'ed with their bodies: fc_svc_feed_free */
    int n;                      /* at most FC_SVC_FEED_PAGE */
    char next[80];              /* the next page's cursor, or "" on the last */
};

/* Cursor text "AT-KIND-ID" <-> struct; FC_OK or FC_EINVAL. */
int fc_svc_feed_cursor_parse(const char *s, struct fc_feed_cursor *cur);
void fc_svc_feed_cursor_format(char *out, size_t size, const struct fc_feed_item *it);
/* A page of the actor's feed after cursor after ("" or NULL: the top; 400 "after" when it is
 * damaged). */
int fc_svc_feed(const struct fc_svc *sv, const char *after, struct fc_svc_feed_out *out,
                struct fc_svc_result *res);
void fc_svc_feed_free(struct fc_svc_feed_out *out);
/* How many of the friends' latest 4-5 star reviews the home page's "Trending among your
 * friends" is made from (docs/social.md): recent, and a bounded read whatever the number of
 * friends or of their reviews. */
#define FC_SVC_TRENDING_WINDOW 200
/* Restaurants the actor's friends rated 4-5 stars, from the window latest such reviews
 * (window <= 0: all of them); *out malloc'ed. */
int fc_svc_friends_recommend(const struct fc_svc *sv, int window, struct fc_friend_rec **out,
                             int *n, struct fc_svc_result *res);

/* ---- recommendations -------------------------------------------------------------------- */

#define FC_SVC_RECS_MAX 50

/* One recommendation, with what its reason needs to be worded. */
struct fc_svc_rec {
    struct rec_result why;     /* the reason (fc_rec_reasons_check applied) */
    struct fc_restaurant rest; /* its text freed by fc_svc_recs_clear */
    int64_t because_id;        /* REC_WHY_BECAUSE: the restaurant it is like (its name below) */
    char because_name[256];
    int n_names; /* REC_WHY_FRIENDS: up to 3 friends to name, best-rating first */
    struct {
        char username[64];
        char display_name[256];
    } names[3];
};

/* Up to n (at most FC_SVC_RECS_MAX) picks for the actor into out (caller-sized), *got; the
 * caller frees their restaurants' text with fc_svc_recs_clear(out, *got). */
int fc_svc_recs_for_user(const struct fc_svc *sv, size_t n, struct fc_svc_rec *out, size_t *got,
                         struct fc_svc_result *res);
/* fc_svc_recs_for_user, and *reviews the actor's review count (their ratings, which the picks
 * read anyway: no store read more unless they have more than the most it reads; -1 when
 * unknown): the home page's figure with one read less. */
int fc_svc_recs_for_user_counted(const struct fc_svc *sv, size_t n, struct fc_svc_rec *out,
                                 size_t *got, int *reviews, struct fc_svc_result *res);
/* "More like this" for restaurant item (none when the recommender does not know it). */
int fc_svc_recs_similar(const struct fc_svc *sv, int64_t item, size_t n, struct fc_svc_rec *out,
                        size_t *got, struct fc_svc_result *res);
/* Frees the restaurants' text of out[0..n). */
void fc_svc_recs_clear(struct fc_svc_rec *out, size_t n);

#endif
