/* Fuzz harness: the DynamoDB store backend (store/dynamodb*.c) reading items out of DynamoDB's
 * JSON answers (GetItem, Query pages, BatchGetItem, transaction cancellations...), through an
 * injected transport. First byte: the store operation; the rest: the answers, separated by
 * "\n--next--\n" (see fuzz.h); calls after the last answer get "{}". */
#include "core/util.h"
#include "fuzz.h"
#include "rec/engine.h"
#include "store/dynamodb.h"
#include "store/store.h"

static struct fc_store *S;
static struct fuzz_answers answers;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    HDF *cfg = NULL;
    (void)argc;
    (void)argv;
    fuzz_aws_env();
    unsetenv("AWS_ENDPOINT_URL_DYNAMODB");
    if (hdf_init(&cfg) || hdf_set_value(cfg, "Store.DynamoDB.Table", "forkcast") ||
        hdf_set_value(cfg, "Store.DynamoDB.SearchMaxItems", "500") ||
        hdf_set_value(cfg, "Store.DynamoDB.FanoutMax", "50") ||
        hdf_set_value(cfg, "Store.DynamoDB.ReviewsPerPage", "20"))
        abort();
    if (fc_dynamo_open(cfg, &S) != FC_OK)
        abort();
    fuzz_client(((struct fc_dynamo *)S)->c, &answers);
    hdf_destroy(&cfg);
    return 0;
}

#define MAXROWS 8

/* the text of case 37's review (struct fc_review borrows it) */
static char tasty[] = "Tasty";

static void run(unsigned op, unsigned arg)
{
    static struct fc_user u, users[MAXROWS];
    static struct fc_restaurant r, rests[MAXROWS];
    static struct fc_review rv;
    static struct fc_review_row rows[MAXROWS];
    static struct fc_person people[MAXROWS];
    static struct fc_feed_item feed[MAXROWS];
    static struct fc_friend_rec recs[MAXROWS];
    static struct fc_job job, jobs[MAXROWS];
    static struct fc_instance inst, insts[MAXROWS];
    static struct fc_instance_event evs[MAXROWS];
    const struct fc_store_ops *o = S->ops;
    struct fc_restaurant *found = NULL;
    struct fc_metric_row *mrows = NULL;
    struct fc_metric_counter *ctrs = NULL;
    struct rec_dataset ds;
    int n = 0, total = 0, count = 0, yes = 0;
    int64_t a = 0, b = 0, c = 0;
    double avg = 0;
    char *sealed = NULL;

    switch (op) {
    case 0:
        o->user_get(S, 1001, &u);
        fc_user_clear(&u);
        break;
    case 1:
        o->user_by_name(S, "u1001", &u);
        fc_user_clear(&u);
        break;
    case 2:
        o->user_by_ext(S, "cognito-sub-1", &u);
        fc_user_clear(&u);
        break;
    case 3:
        o->session_get(S, "6b1d0e0b1f4c4e2f9a7c3d5e8f0a1b2c3d4e5f60718293a4b5c6d7e8f9012345", &a,
                       &b, &c);
        break;
    case 4:
        o->fail_count(S, "user:u1001", 1714560000, &count);
        break;
    case 5:
        o->rest_get(S, 132572, &r);
        fc_restaurant_clear(&r);
        break;
    case 6: {
        struct fc_rest_query q = {.text = arg & 1 ? "taco" : "",
                                  .cuisine = arg & 2 ? "Mexican" : "",
                                  .price = arg & 4 ? "low" : "",
                                  .city = arg & 8 ? "San Luis Potosi" : "",
                                  .offset = (int)(arg >> 4) % 3,
                                  .limit = 5,
                                  .sort = (int)(arg >> 6) % 5, /* every order, FC_SORT_* */
                                  .viewer = 1,
                                  .near_lat = 22.15,
                                  .near_lon = -100.98};
        if (o->rest_search(S, &q, &found, &n, &total) == FC_OK && n > 5)
            abort();
        fc_restaurants_free(found, n);
        break;
    }
    case 7: {
        struct fc_strlist cu = {0}, ci = {0};
        o->rest_facets(S, &cu, &ci);
        fc_strlist_free(&cu);
        fc_strlist_free(&ci);
        break;
    }
    case 8:
        o->review_count_user(S, 1001, &count);
        break;
    case 9:
        if (o->review_get(S, 77, &rv) == FC_OK)
            fc_review_clear(&rv);
        break;
    case 10:
        if (o->review_get_by(S, 1001, 132572, &rv) == FC_OK)
            fc_review_clear(&rv);
        break;
    case 11:
        if (o->reviews_of_restaurant(S, 132572, arg & 1 ? 1001 : 0, rows, MAXROWS, &n) == FC_OK &&
            n > MAXROWS)
            abort();
        break;
    case 12:
        if (o->reviews_by_user(S, 1001, arg & 1 ? 1002 : 0, rows, MAXROWS, &n) == FC_OK &&
            n > MAXROWS)
            abort();
        break;
    case 13:
        o->friends_rating(S, 1001, 132572, &count, &avg);
        break;
    case 14:
        o->relation(S, 1001, 1002, &count);
        break;
    case 15:
        if (o->people(S, (enum fc_person_list)(arg % 5), 1001, people, MAXROWS, &n) == FC_OK &&
            n > MAXROWS)
            abort();
        break;
    case 16:
        o->people_search(S, "ana", 1001, people, MAXROWS, &n);
        break;
    case 17:
        o->mutual_count(S, 1001, 1002, &count);
        break;
    case 18:
        o->save_exists(S, 1001, 132572, &yes);
        break;
    case 19:
        if (o->saves_of_user(S, 1001, rests, MAXROWS, &n) == FC_OK)
            for (int i = 0; i < n; i++)
                fc_restaurant_clear(&rests[i]);
        break;
    case 20:
        o->event_count(S, 1001, "review", &count);
        break;
    case 21: {
        struct fc_feed_cursor cur = {1714564800, FC_FEED_REVIEW, 77};
        if (o->feed(S, 1001, arg & 1 ? &cur : NULL, feed, MAXROWS, &n) == FC_OK && n > MAXROWS)
            abort();
        break;
    }
    case 22:
        o->friends_recommend(S, 1001, arg & 1 ? 3 : 0, recs, MAXROWS, &n);
        break;
    case 23:
        memset(&ds, 0, sizeof ds);
        if (o->rec_load(S, &ds) == FC_OK)
            rec_dataset_free(&ds);
        break;
    case 24:
        o->rec_version(S, &a);
        break;
    case 25: {
        struct fc_user_query q = {arg & 1 ? "ana" : "", (enum fc_user_role)(arg % 3), 0, 5};
        o->user_search(S, &q, users, &n, &total);
        break;
    }
    case 26:
        if (o->metrics_query(S, 28576080, (enum fc_metric_group)(arg & 1), &mrows, &n) == FC_OK)
            free(mrows);
        break;
    case 27:
        if (o->metrics_counters(S, 28576080, &ctrs, &n) == FC_OK)
            free(ctrs);
        break;
    case 28:
        o->job_get(S, 5, &job);
        break;
    case 29:
        o->job_by_key(S, "ec2.follow:i-0123456789abcdef0", &job);
        break;
    case 30:
        o->job_claim(S, arg & 1 ? "ec2.follow,s3.backup" : "", "worker-1", 1714564800000, 60000,
                     &job);
        break;
    case 31:
        o->job_list(S, "", arg & 1 ? "queued" : "", jobs, MAXROWS, &n);
        break;
    case 32:
        o->instance_get(S, "i-0123456789abcdef0", &inst);
        break;
    case 33:
        o->instance_list(S, insts, MAXROWS, &n);
        break;
    case 34:
        o->instance_events(S, "i-0123456789abcdef0", evs, MAXROWS, &n);
        break;
    case 35:
        if (o->session_tokens_get(S, "ab12", &sealed, &a, &b) == FC_OK)
            free(sealed);
        break;
    case 36:
        memset(&u, 0, sizeof u);
        strcpy(u.username, "ana");
        strcpy(u.email, "ana@example.com");
        strcpy(u.display_name, "Ana");
        o->user_create(S, &u); /* a transaction: cancellation reasons */
        break;
    case 37:
        memset(&rv, 0, sizeof rv);
        rv.user_id = 1001;
        rv.restaurant_id = 132572;
        rv.stars = 4;
        rv.body = tasty; /* borrowed */
        o->review_put(S, &rv, (int)(arg & 1));
        rv.body = NULL;
        break;
    case 38:
        o->relation_set(S, 1001, 1002, 0, FC_REL_REQ_OUT, 1714564800); /* a request */
        break;
    case 39:
        o->job_next_due(S, "", &a);
        break;
    case 40:
        if (o->reviews_with_photo(
                S, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.jpg",
                arg & 1 ? 1001 : 0, &rv, 1, &n) == FC_OK) {
            if (n > 1)
                abort();
            if (n == 1)
                fc_review_clear(&rv);
        }
        break;
    default: {
        struct fc_store_check checks[FC_STORE_MAX_CHECKS];
        o->store_health(S, checks, FC_STORE_MAX_CHECKS, &n); /* DescribeTable */
        break;
    }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = {(const char *)data, size};
    unsigned op = fuzz_byte(&in), arg = fuzz_byte(&in);
    memset(&answers, 0, sizeof answers);
    answers.fallback_body = "{}";
    answers.in = in;
    run(op % 42, arg);
    return 0;
}
