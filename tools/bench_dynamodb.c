/* bench_dynamodb: times store operations on the DynamoDB backend and counts their DynamoDB
 * calls (aws_stats_get): the feed's pages, a restaurant page's reads, a review write.
 * Usage: bench_dynamodb VIEWER_ID RESTAURANT_ID SECONDS (run by tools/bench-dynamodb.sh). */
#include "aws/client.h"
#include "core/config.h"
#include "core/util.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PAGE 21 /* pages/feed.c asks for FEED_PAGE + 1 items */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct bench {
    struct fc_store *s;
    int64_t viewer, restaurant;
    struct fc_feed_cursor second; /* where the feed's second page starts */
    long writes;
};

typedef int (*op_fn)(struct bench *b, int *items);

static int feed_first(struct bench *b, int *items)
{
    static struct fc_feed_item it[PAGE];
    int rc = b->s->ops->feed(b->s, b->viewer, NULL, it, PAGE, items);
    if (rc == FC_OK)
        fc_feed_items_clear(it, *items);
    return rc;
}

static int feed_second(struct bench *b, int *items)
{
    static struct fc_feed_item it[PAGE];
    int rc = b->s->ops->feed(b->s, b->viewer, &b->second, it, PAGE, items);
    if (rc == FC_OK)
        fc_feed_items_clear(it, *items);
    return rc;
}

/* What the restaurant page reads from the store (pages/restaurants.c). */
static int restaurant_page(struct bench *b, int *items)
{
    static struct fc_review_row rows[50];
    struct fc_restaurant r;
    struct fc_review mine;
    int count, rc;
    double avg;
    if ((rc = b->s->ops->rest_get(b->s, b->restaurant, &r)))
        return rc;
    fc_restaurant_clear(&r);
    if ((rc = b->s->ops->reviews_of_restaurant(b->s, b->restaurant, b->viewer, rows, 50, items)))
        return rc;
    fc_review_rows_clear(rows, *items);
    if ((rc = b->s->ops->friends_rating(b->s, b->viewer, b->restaurant, &count, &avg)))
        return rc;
    rc = b->s->ops->review_get_by(b->s, b->viewer, b->restaurant, &mine);
    if (rc == FC_OK)
        fc_review_clear(&mine);
    return rc == FC_NOTFOUND ? FC_OK : rc;
}

/* A review written (or rewritten) by the viewer, and its interaction (pages/reviews.c). */
static int review_write(struct bench *b, int *items)
{
    struct fc_review r;
    char body[64];
    int64_t t = fc_now();
    memset(&r, 0, sizeof r);
    r.user_id = b->viewer;
    r.restaurant_id = b->restaurant;
    r.stars = 1 + (int)(b->writes++ % 5);
    r.created_at = r.updated_at = t;
    snprintf(body, sizeof body, "bench review %ld", b->writes);
    r.body = body; /* borrowed: r is not cleared */
    *items = 1;
    if (b->s->ops->review_put(b->s, &r, 1))
        return FC_ERR;
    return b->s->ops->event_add(b->s, b->viewer, b->restaurant, "review", r.stars, t);
}

static int run(struct bench *b, const char *name, op_fn fn, double seconds)
{
    struct aws_stats a, z;
    double t0, took;
    long n = 0, items = 0;
    aws_stats_get("dynamodb", &a);
    t0 = now_s();
    do {
        int k = 0;
        if (fn(b, &k)) {
            fprintf(stderr, "bench: %s failed\n", name);
            return 1;
        }
        n++;
        items += k;
    } while ((took = now_s() - t0) < seconds);
    aws_stats_get("dynamodb", &z);
    printf("%-26s %6ld ops %8.1f ops/s %6.2f ms/op  %5.2f DynamoDB calls/op  %5.1f items/op  "
           "%.2f ms/call\n",
           name, n, (double)n / took, took * 1000 / (double)n,
           (double)(z.calls - a.calls) / (double)n, (double)items / (double)n,
           z.calls > a.calls ? (double)(z.latency_ms - a.latency_ms) / (double)(z.calls - a.calls)
                             : 0.0);
    return 0;
}

int main(int argc, char **argv)
{
    struct bench b;
    struct fc_feed_item it[PAGE];
    HDF *cfg = NULL;
    NEOERR *err;
    double seconds;
    int n = 0, rc = 1;

    if (argc != 4) {
        fprintf(stderr, "usage: bench_dynamodb VIEWER_ID RESTAURANT_ID SECONDS\n");
        return 2;
    }
    memset(&b, 0, sizeof b);
    b.viewer = strtoll(argv[1], NULL, 10);
    b.restaurant = strtoll(argv[2], NULL, 10);
    seconds = atof(argv[3]);
    err = fc_config_load(&cfg, NULL);
    if (err) {
        nerr_log_error(err);
        nerr_ignore(&err);
        return 1;
    }
    if (fc_store_open(cfg, &b.s) || strcmp(b.s->ops->name, "dynamodb") != 0) {
        fprintf(stderr, "bench: cannot open the DynamoDB store (Store.Backend = dynamodb?)\n");
        goto out;
    }
    if (b.s->ops->feed(b.s, b.viewer, NULL, it, PAGE, &n) || n < PAGE) {
        fprintf(stderr, "bench: the viewer's feed has %d items; the fixture is missing\n", n);
        goto out;
    }
    b.second.at = it[PAGE - 2].at;
    b.second.kind = it[PAGE - 2].kind;
    b.second.id = it[PAGE - 2].id;
    fc_feed_items_clear(it, n);
    if (run(&b, "feed, first page", feed_first, seconds) ||
        run(&b, "feed, second page", feed_second, seconds) ||
        run(&b, "restaurant page (reads)", restaurant_page, seconds) ||
        run(&b, "review write (+ event)", review_write, seconds))
        goto out;
    rc = 0;
out:
    fc_store_close(b.s);
    hdf_destroy(&cfg);
    return rc;
}
