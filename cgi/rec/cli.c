/* rec/cli: `forkcast rec ...` subcommands: eval, top, similar, friends, synth, bench,
 * convert-uci and weights, working from CSV files alone. */
#include "core/cliopt.h"
#include "core/util.h"
#include "rec/csv.h"
#include "rec/engine.h"
#include "rec/eval.h"
#include "rec/proto.h"
#include "rec/synth.h"
#include "rec/uci.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

int fc_rec_cli(int argc, char **argv);

static void usage(FILE *f)
{
    fprintf(f,
            "usage: forkcast rec COMMAND [OPTIONS]\n"
            "  eval    --uci DIR [--stars overall|blended] | --ratings F [--items F] [--users F]\n"
            "          [--folds K | --loo] [--inner K] [--seed N] [--demo-friends N] [-k 10]\n"
            "          [--relevant 4] [--models LIST] [--compare A,B] [--boot N] [--quick]\n"
            "          [--split-out F]\n"
            "          forkcast vs. baselines tuned by nested validation, per-user split:\n"
            "          HitRate, NDCG, recall @k with standard errors, paired bootstrap\n"
            "  eval --legacy --ratings F [--friends F ...]   the former global-shuffle protocol\n"
            "          (engine vs. popularity, precision, coverage, cold start)\n"
            "  tune    --uci DIR | --ratings F [--items F] [--users F] [--inner K] [--quick]\n"
            "          the engine's weights learnt by validation on all the data (Rec.KEY lines)\n"
            "  top     --ratings F [--friends F ...] --user ID [-n 10]   top items for a user\n"
            "  similar --ratings F [--items F ...] --item ID [-n 10]     items like an item\n"
            "  friends --ratings F [--min-common 3]      demo friendships (user,friend CSV)\n"
            "  synth   --users N --items N --ratings N --friends MEAN [--events N] [--seed N]\n"
            "          --out DIR                         synthetic data for benchmarks\n"
            "  bench   --ratings F [--friends F ...] [--queries 10000] [-n 10] [--seed N]\n"
            "          build time, peak memory, top-n and similar latency percentiles\n"
            "  convert-uci DIR OUTDIR [--min-common 3] [--stars blended|overall]\n"
            "          the UCI data set as the CSV files above\n"
            "  weights                                   the weight keys (Rec.KEY) and defaults\n"
            "every command but synth and convert-uci takes --set KEY=VALUE (a weight, e.g.\n"
            "Weight.CF=1.2) any number of times; see docs/recommendations.md\n"
            "Exit: 0 done, 1 failed, 2 usage error.\n");
}

/* Parsed command line. Numbers are kept as text until the command says what they mean. */
struct opts {
    struct rec_paths paths;
    const char *ratings, *friends, *items, *users, *events, *blocks; /* raw values */
    const char *user, *item, *out, *seed, *n, *folds, *demo, *k, *relevant, *queries, *mincommon;
    const char *uci, *stars, *inner, *models, *compare, *boot, *splitout;
    const char *pos[2];
    int npos, loo, legacy, quick;
    struct rec_weights w;
};

/* Parses the value s of option what into *out, a whole number in min..max (min 0: no range
 * message); a NULL s (the option not given) leaves *out as it is. FC_OK or FC_EINVAL (message on
 * stderr). */
static int parse_u64(const char *s, const char *what, unsigned long long min,
                     unsigned long long max, unsigned long long *out)
{
    char *end;
    if (!s)
        return FC_OK;
    errno = 0;
    *out = strtoull(s, &end, 10);
    if (errno || end == s || *end || *out > max || s[0] == '-') {
        fprintf(stderr, "forkcast: rec: %s must be a whole number up to %llu\n", what, max);
        return FC_EINVAL;
    }
    if (*out < min) {
        fprintf(stderr, "forkcast: rec: %s must be %llu..%llu\n", what, min, max);
        return FC_EINVAL;
    }
    return FC_OK;
}

/* parse_u64 into an int, a uint64_t or a size_t. */
static int parse_int(const char *s, const char *what, int min, int max, int *out)
{
    unsigned long long v = (unsigned long long)*out;
    if (parse_u64(s, what, (unsigned long long)min, (unsigned long long)max, &v))
        return FC_EINVAL;
    *out = (int)v;
    return FC_OK;
}

static int parse_seed(const char *s, uint64_t *out)
{
    unsigned long long v = *out;
    if (parse_u64(s, "--seed", 0, UINT64_MAX, &v))
        return FC_EINVAL;
    *out = v;
    return FC_OK;
}

static int parse_size(const char *s, const char *what, unsigned long long max, size_t *out)
{
    unsigned long long v = *out;
    if (parse_u64(s, what, 0, max, &v))
        return FC_EINVAL;
    *out = (size_t)v;
    return FC_OK;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
    static const struct {
        const char *name;
        size_t off;
    } table[] = {
        {"--ratings", offsetof(struct opts, ratings)},
        {"--friends", offsetof(struct opts, friends)},
        {"--items", offsetof(struct opts, items)},
        {"--users", offsetof(struct opts, users)},
        {"--events", offsetof(struct opts, events)},
        {"--blocks", offsetof(struct opts, blocks)},
        {"--user", offsetof(struct opts, user)},
        {"--item", offsetof(struct opts, item)},
        {"--out", offsetof(struct opts, out)},
        {"--seed", offsetof(struct opts, seed)},
        {"-n", offsetof(struct opts, n)},
        {"--folds", offsetof(struct opts, folds)},
        {"--demo-friends", offsetof(struct opts, demo)},
        {"-k", offsetof(struct opts, k)},
        {"--relevant", offsetof(struct opts, relevant)},
        {"--queries", offsetof(struct opts, queries)},
        {"--min-common", offsetof(struct opts, mincommon)},
        {"--uci", offsetof(struct opts, uci)},
        {"--stars", offsetof(struct opts, stars)},
        {"--inner", offsetof(struct opts, inner)},
        {"--models", offsetof(struct opts, models)},
        {"--compare", offsetof(struct opts, compare)},
        {"--boot", offsetof(struct opts, boot)},
        {"--split-out", offsetof(struct opts, splitout)},
    };
    memset(o, 0, sizeof *o);
    rec_weights_default(&o->w);
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        int found = 0;
        if (strcmp(a, "--loo") == 0) {
            o->loo = 1;
            continue;
        }
        if (strcmp(a, "--legacy") == 0) {
            o->legacy = 1;
            continue;
        }
        if (strcmp(a, "--quick") == 0) {
            o->quick = 1;
            continue;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 1;
        }
        if (strcmp(a, "--set") == 0 && i + 1 < argc) {
            char key[64], *eq, *end;
            double v;
            fc_strlcpy(key, argv[++i], sizeof key);
            eq = strchr(key, '=');
            if (eq)
                *eq = '\0';
            v = eq ? strtod(eq + 1, &end) : 0;
            if (strncmp(key, "Rec.", 4) == 0)
                memmove(key, key + 4, strlen(key + 4) + 1);
            if (!eq || end == eq + 1 || *end || rec_weights_set(&o->w, key, v)) {
                fprintf(stderr, "forkcast: rec: bad --set '%s' (forkcast rec weights lists keys)\n",
                        argv[i]);
                return FC_EINVAL;
            }
            continue;
        }
        for (size_t t = 0; t < FC_ARRAY_LEN(table); t++)
            if (strcmp(a, table[t].name) == 0) {
                if (i + 1 >= argc) {
                    fprintf(stderr, "forkcast: rec: %s needs a value\n", a);
                    return FC_EINVAL;
                }
                *(const char **)(void *)((char *)o + table[t].off) = argv[++i];
                found = 1;
                break;
            }
        if (found)
            continue;
        if (a[0] == '-' || o->npos == 2) {
            fprintf(stderr, "forkcast: rec: unknown option '%s'\n", a);
            return FC_EINVAL;
        }
        o->pos[o->npos++] = a;
    }
    o->paths.ratings = o->ratings;
    o->paths.friends = o->friends;
    o->paths.items = o->items;
    o->paths.users = o->users;
    o->paths.events = o->events;
    o->paths.blocks = o->blocks;
    return FC_OK;
}

static double now_s(clockid_t clk)
{
    struct timespec ts;
    clock_gettime(clk, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int load(const struct opts *o, struct rec_files *f)
{
    if (!o->ratings) {
        fprintf(stderr, "forkcast: rec: --ratings FILE is required\n");
        return FC_EINVAL;
    }
    return rec_files_load(f, &o->paths);
}

/* One result line: id, score and the reason with its data. */
static void print_result(const struct rec_files *f, const struct rec_result *r)
{
    printf("%s\t%.4f\t%s", rec_ids_name(f->items, r->item), r->score, rec_why_name(r->reason));
    switch (r->reason) {
    case REC_WHY_FRIENDS:
        printf(" ");
        for (int k = 0; k < r->n_friends && k < 3; k++)
            printf("%s%s", k ? "," : "", rec_ids_name(f->users, r->friend_ids[k]));
        printf(" (%d friends, %.1f stars)", r->n_friends, r->friends_avg);
        break;
    case REC_WHY_BECAUSE:
        printf(" %s", rec_ids_name(f->items, r->because_item));
        break;
    case REC_WHY_POPULAR_CITY:
        printf(" %s", r->city);
        break;
    case REC_WHY_CUISINE:
        printf(" %s", r->cuisine);
        break;
    }
    putchar('\n');
}

static int cmd_top(const struct opts *o, int similar)
{
    struct rec_files f;
    struct rec_model *m = NULL;
    struct rec_result *res = NULL;
    unsigned long long n = 10;
    size_t nres = 0;
    const char *want = similar ? o->item : o->user;
    int64_t id;
    int rc;

    if (!want) {
        fprintf(stderr, "forkcast: rec: %s ID is required\n", similar ? "--item" : "--user");
        return 2;
    }
    if (parse_u64(o->n, "-n", 0, 100000, &n) || load(o, &f))
        return 2;
    rc = rec_model_build(&f.d, &o->w, &m);
    if (rc) {
        fprintf(stderr, "forkcast: rec: cannot build the model\n");
        goto out;
    }
    id = rec_ids_find(similar ? f.items : f.users, want);
    if (!id && similar) {
        fprintf(stderr, "forkcast: rec: no item '%s' in the files\n", want);
        rc = FC_NOTFOUND;
        goto out;
    }
    if (!id)
        fprintf(stderr, "forkcast: rec: user '%s' is not in the files: a new user\n", want);
    res = malloc((n + 1) * sizeof *res);
    rc = !res      ? FC_ERR
         : similar ? rec_similar(m, id, n, res, &nres)
         : id      ? rec_recommend(m, id, n, res, &nres)
                   : rec_recommend(m, -1, n, res, &nres);
    for (size_t i = 0; rc == FC_OK && i < nres; i++)
        print_result(&f, &res[i]);
out:
    free(res);
    rec_model_free(m);
    rec_files_free(&f);
    return rc ? 1 : 0;
}

/* Says why an evaluation (rc) failed and frees its files; the exit status, 1. */
static int eval_failed(int rc, struct rec_files *f)
{
    fprintf(stderr, "forkcast: rec: evaluation failed%s\n",
            rc == FC_EINVAL ? " (no ratings, or bad weights)" : "");
    rec_files_free(f);
    return 1;
}

/* The first line of an evaluation's report: the data's size and how it was split (per_user:
 * the ratings of each user dealt into the folds, else the ratings as a whole). */
static void print_eval_head(size_t ratings, size_t users, size_t items, int per_user, int loo,
                            int folds, uint64_t seed)
{
    printf("forkcast rec eval: %zu ratings, %zu users, %zu items; ", ratings, users, items);
    if (loo)
        printf("%sleave-one-out, seed %llu\n", per_user ? "per-user " : "",
               (unsigned long long)seed);
    else if (per_user)
        printf("per-user %d-fold split, seed %llu\n", folds, (unsigned long long)seed);
    else
        printf("%d-fold cross-validation, seed %llu\n", folds, (unsigned long long)seed);
}

static void print_row(const char *name, const struct rec_eval_metrics *x)
{
    printf("%-22s %10.4f %9.4f %14.4f %10.4f %7zu\n", name, x->hit, x->ndcg, x->precision,
           x->coverage, x->users);
}

static int cmd_eval_legacy(const struct opts *o)
{
    struct rec_files f;
    struct rec_eval_opts e;
    struct rec_eval_report r;
    int rc;

    rec_eval_defaults(&e);
    e.w = o->w;
    e.loo = o->loo;
    if (parse_int(o->folds, "--folds", 2, 100, &e.folds) || parse_seed(o->seed, &e.seed) ||
        parse_int(o->demo, "--demo-friends", 1, 1000, &e.demo_friends) ||
        parse_int(o->k, "-k", 1, 1000, &e.k) ||
        parse_int(o->relevant, "--relevant", 1, 5, &e.relevant) || load(o, &f))
        return 2;
    if ((rc = rec_eval_run(&f.d, &e, &r)))
        return eval_failed(rc, &f);
    print_eval_head(r.n_ratings, r.n_users, r.n_items, 0, e.loo, e.folds, e.seed);
    printf("relevant = rating >= %d of 5 (%zu ratings); metrics @%d averaged over users with a "
           "relevant held-out rating\n",
           e.relevant, r.n_relevant, e.k);
    printf("friends: %s\n", e.demo_friends  ? "derived per fold from its training ratings"
                            : f.d.n_friends ? "from the file, the same in every fold"
                                            : "none");
    {
        char h[3][24];
        snprintf(h[0], sizeof h[0], "HitRate@%d", e.k);
        snprintf(h[1], sizeof h[1], "NDCG@%d", e.k);
        snprintf(h[2], sizeof h[2], "Precision@%d", e.k);
        printf("%-22s %10s %9s %14s %10s %7s\n", "method", h[0], h[1], h[2], "Coverage", "Users");
    }
    print_row("engine", &r.engine);
    print_row("popularity", &r.popularity);
    print_row("cold-start engine", &r.cold_engine);
    print_row("cold-start popularity", &r.cold_popularity);
    rec_files_free(&f);
    return 0;
}

/* The index of a model name ("forkcast", "rp3beta", ...; "+side" for the side-data row). */
static int model_named(const char *s, size_t len, int *side)
{
    *side = 0;
    if (len > 5 && strncmp(s + len - 5, "+side", 5) == 0) {
        *side = 1;
        len -= 5;
    }
    for (int m = 0; m < REC_PM_N; m++)
        if (strlen(rec_proto_model_name(m)) == len &&
            strncmp(rec_proto_model_name(m), s, len) == 0) {
            if (m == REC_PM_CITYPOP)
                *side = 1;
            return m;
        }
    return -1;
}

static const char *row_name(int side, int m, char *buf, size_t n)
{
    snprintf(buf, n, "%s%s", rec_proto_model_name(m), side && m != REC_PM_CITYPOP ? "+side" : "");
    return buf;
}

static void print_pm(const struct rec_proto_report *r, int side, int m)
{
    const struct rec_proto_row *x = &r->row[side][m];
    char name[40];
    if (!x->ran)
        return;
    printf("%-24s %.4f ± %.4f   %.4f ± %.4f   %.4f ± %.4f\n", row_name(side, m, name, sizeof name),
           x->mean.hit, x->se.hit, x->mean.ndcg, x->se.ndcg, x->mean.recall, x->se.recall);
}

static void print_diff(const struct rec_proto_report *r, int sa, int a, int sb, int b, int boot,
                       uint64_t seed)
{
    char na[40], nb[40];
    static const char *const metric[] = {"HitRate", "NDCG", "Recall"};
    printf("%s - %s:", row_name(sa, a, na, sizeof na), row_name(sb, b, nb, sizeof nb));
    for (int k = 0; k < 3; k++) {
        struct rec_proto_diff d;
        if (rec_proto_compare(r, sa, a, sb, b, k, boot, seed, &d))
            return (void)printf(" (not run)\n");
        printf("  %s %+.4f [%+.4f, %+.4f]", metric[k], d.mean, d.lo, d.hi);
    }
    putchar('\n');
}

/* Converts the UCI data set into a temporary directory and loads it from there. */
static int load_uci(const struct opts *o, int stars, struct rec_files *f)
{
    char dir[] = "/tmp/forkcast-eval-XXXXXX", path[3][64];
    static const char *const name[] = {"ratings.csv", "items.csv", "users.csv"};
    struct rec_paths p = {0};
    int rc = FC_ERR;
    if (!mkdtemp(dir)) {
        fprintf(stderr, "forkcast: rec: cannot create a temporary directory\n");
        return FC_ERR;
    }
    for (int i = 0; i < 3; i++)
        snprintf(path[i], sizeof path[i], "%s/%s", dir, name[i]);
    p.ratings = path[0];
    p.items = path[1];
    p.users = path[2];
    if (rec_uci_convert(o->uci, dir, REC_UCI_MIN_COMMON, stars, NULL) == FC_OK)
        rc = rec_files_load(f, &p);
    for (int i = 0; i < 3; i++)
        unlink(path[i]);
    snprintf(path[0], sizeof path[0], "%s/friends.csv", dir);
    unlink(path[0]);
    rmdir(dir);
    return rc;
}

/* The outer split as user,item,rating,fold (-1: always training), for checking it. */
static int write_split(const char *path, const struct rec_files *f, const struct rec_proto_opts *e)
{
    int *fold = malloc((f->d.n_ratings + 1) * sizeof *fold), rc = FC_ERR;
    FILE *out = NULL;
    if (!fold || rec_proto_split(&f->d, e->folds, e->loo, e->relevant, e->seed, fold))
        goto out;
    if (!(out = fopen(path, "w"))) {
        fprintf(stderr, "forkcast: rec: cannot write %s\n", path);
        goto out;
    }
    fprintf(out, "user,item,rating,fold\n");
    for (size_t i = 0; i < f->d.n_ratings; i++)
        fprintf(out, "%s,%s,%d,%d\n", rec_ids_name(f->users, f->d.ratings[i].user),
                rec_ids_name(f->items, f->d.ratings[i].item), f->d.ratings[i].stars, fold[i]);
    rc = ferror(out) ? FC_ERR : FC_OK;
out:
    if (out && fclose(out))
        rc = FC_ERR;
    free(fold);
    return rc;
}

static int cmd_eval(const struct opts *o)
{
    struct rec_files f;
    struct rec_proto_opts e;
    struct rec_proto_report r;
    unsigned long long boot = 2000;
    int stars = REC_UCI_OVERALL, rc, best = -1, ca = -1, cb = -1, sa = 0, sb = 0;

    rec_proto_defaults(&e);
    e.w = o->w;
    e.loo = o->loo;
    e.quick = o->quick;
    if (parse_int(o->folds, "--folds", 2, REC_PROTO_MAX_FOLDS, &e.folds) ||
        parse_int(o->inner, "--inner", 2, REC_PROTO_MAX_FOLDS, &e.inner) ||
        parse_seed(o->seed, &e.seed) ||
        parse_int(o->demo, "--demo-friends", 0, 1000, &e.demo_friends) ||
        parse_int(o->k, "-k", 1, 64, &e.k) ||
        parse_int(o->relevant, "--relevant", 1, 5, &e.relevant) ||
        parse_u64(o->boot, "--boot", 1, 1000000, &boot))
        return 2;
    if (o->stars) {
        if (strcmp(o->stars, "overall") == 0)
            stars = REC_UCI_OVERALL;
        else if (strcmp(o->stars, "blended") == 0)
            stars = REC_UCI_BLENDED;
        else
            return fprintf(stderr, "forkcast: rec: --stars must be overall or blended\n"), 2;
        if (!o->uci)
            return fprintf(stderr, "forkcast: rec: --stars goes with --uci DIR\n"), 2;
    }
    if (o->models) {
        const char *p = o->models;
        while (*p) {
            size_t len = strcspn(p, ",");
            int side, m = model_named(p, len, &side);
            if (m < 0)
                return fprintf(stderr, "forkcast: rec: --models: unknown model '%.*s'\n", (int)len,
                               p),
                       2;
            e.models |= 1u << m;
            p += len + (p[len] == ',');
        }
    }
    if (o->compare) {
        size_t len = strcspn(o->compare, ",");
        ca = model_named(o->compare, len, &sa);
        cb = o->compare[len] ? model_named(o->compare + len + 1, strlen(o->compare + len + 1), &sb)
                             : -1;
        if (ca < 0 || cb < 0)
            return fprintf(stderr, "forkcast: rec: --compare takes two models, A,B (e.g. "
                                   "forkcast,rp3beta or forkcast+side,forkcast)\n"),
                   2;
        e.models |= e.models ? (1u << ca) | (1u << cb) : 0;
    }
    if (o->uci ? load_uci(o, stars, &f) : load(o, &f))
        return 2;
    e.side = f.d.n_items > 0 || f.d.n_users > 0;
    if (o->splitout && write_split(o->splitout, &f, &e)) {
        rec_files_free(&f);
        return 1;
    }
    if ((rc = rec_proto_run(&f.d, &e, &r)))
        return eval_failed(rc, &f);
    print_eval_head(r.n_ratings, r.n_users, r.n_items, 1, e.loo, e.folds, e.seed);
    if (o->uci)
        printf("stars: %s\n", stars == REC_UCI_OVERALL
                                  ? "the UCI overall rating, 0/1/2 -> 1/3/5"
                                  : "blended, 1 + round((2*rating + food + service) / 2)");
    printf("relevant = rating >= %d of 5 (%zu ratings); metrics @%d over %zu (user, fold) pairs "
           "of %zu users with a relevant held-out rating; ± standard error (clustered by user)\n",
           e.relevant, r.n_relevant, e.k, r.n_units, r.n_eval_users);
    printf("hyper-parameters: nested %d-fold validation inside each training fold (best "
           "NDCG@%d)%s\n",
           e.inner, e.k, e.quick ? ", small grids (--quick)" : "");
    {
        char h[3][24];
        snprintf(h[0], sizeof h[0], "HitRate@%d", e.k);
        snprintf(h[1], sizeof h[1], "NDCG@%d", e.k);
        snprintf(h[2], sizeof h[2], "Recall@%d", e.k);
        printf("\nratings only\n%-24s %-17s %-17s %s\n", "model", h[0], h[1], h[2]);
    }
    for (int m = 0; m < REC_PM_N; m++)
        print_pm(&r, 0, m);
    if (e.side) {
        printf("\nwith side data (cities, cuisines, prices, profiles");
        if (e.demo_friends)
            printf("; friends derived from each training set, >= %d items in common",
                   e.demo_friends);
        printf(")\n");
        for (int m = 0; m < REC_PM_N; m++)
            print_pm(&r, 1, m);
    }
    printf("\nchosen hyper-parameters, per outer fold\n");
    for (int side = 0; side < 2; side++)
        for (int m = 0; m < REC_PM_N; m++) {
            char name[40];
            if (!r.row[side][m].ran || m == REC_PM_ENGINE_DEF)
                continue;
            for (int k = 0; k < r.n_folds && k < REC_PROTO_MAX_FOLDS; k++)
                printf("%-24s fold %d: %s\n", row_name(side, m, name, sizeof name), k + 1,
                       r.row[side][m].chosen[k]);
        }
    /* forkcast against the best baseline (by NDCG), and what was asked */
    for (int m = 0; m < REC_PM_ENGINE_DEF; m++)
        if (r.row[0][m].ran && (best < 0 || r.row[0][m].mean.ndcg > r.row[0][best].mean.ndcg))
            best = m;
    printf("\npaired bootstrap over users (%llu resamples): difference of the means, 95%% "
           "interval\n",
           boot);
    if (best >= 0)
        for (int side = 0; side < 2; side++)
            for (int m = REC_PM_ENGINE_DEF; m < REC_PM_N; m++)
                if (r.row[side][m].ran)
                    print_diff(&r, side, m, 0, best, (int)boot, e.seed);
    if (ca >= 0)
        print_diff(&r, sa, ca, sb, cb, (int)boot, e.seed);
    rec_proto_report_free(&r);
    rec_files_free(&f);
    return 0;
}

/* Learns the engine's weights on the whole data set and prints them as configuration. */
static int cmd_tune(const struct opts *o)
{
    struct rec_files f;
    struct rec_proto_opts e;
    struct rec_weights w;
    const char *key;
    int stars = REC_UCI_OVERALL, rc;

    rec_proto_defaults(&e);
    e.w = o->w;
    e.quick = o->quick;
    if (parse_int(o->inner, "--inner", 2, REC_PROTO_MAX_FOLDS, &e.inner) ||
        parse_seed(o->seed, &e.seed) ||
        parse_int(o->demo, "--demo-friends", 0, 1000, &e.demo_friends))
        return 2;
    if (o->stars) {
        if (strcmp(o->stars, "blended") == 0)
            stars = REC_UCI_BLENDED;
        else if (strcmp(o->stars, "overall") != 0)
            return fprintf(stderr, "forkcast: rec: --stars must be overall or blended\n"), 2;
    }
    if (o->uci ? load_uci(o, stars, &f) : load(o, &f))
        return 2;
    rc = rec_proto_tune(&f.d, &e, f.d.n_items > 0 || f.d.n_users > 0, &w);
    if (rc) {
        fprintf(stderr, "forkcast: rec: tuning failed\n");
        rec_files_free(&f);
        return 1;
    }
    printf("# learnt by %d-fold validation (best NDCG@%d) on %zu ratings%s\n", e.inner, e.k,
           f.d.n_ratings, f.d.n_items || f.d.n_users ? " with side data" : "");
    for (size_t i = 0; (key = rec_weights_key(i)); i++) {
        double x = 0;
        rec_weights_get(&w, key, &x);
        printf("Rec.%s = %g\n", key, x);
    }
    rec_files_free(&f);
    return 0;
}

static int cmd_friends(const struct opts *o)
{
    struct rec_files f;
    struct rec_edge *e = NULL;
    size_t n = 0;
    unsigned long long mc = REC_UCI_MIN_COMMON;
    if (parse_u64(o->mincommon, "--min-common", 0, 1000, &mc) || load(o, &f))
        return 2;
    if (rec_demo_friends(&f.d, (int)mc, &e, &n)) {
        rec_files_free(&f);
        return 1;
    }
    printf("user,friend\n");
    for (size_t i = 0; i < n; i++)
        printf("%s,%s\n", rec_ids_name(f.users, e[i].a), rec_ids_name(f.users, e[i].b));
    fprintf(stderr, "forkcast: %zu friendships among %zu users (>= %llu items in common)\n", n,
            rec_ids_count(f.users), mc);
    free(e);
    rec_files_free(&f);
    return 0;
}

static int cmd_synth(const struct opts *o)
{
    struct rec_synth_opts s = {100000, 10000, 2000000, 50, 0, 1};
    unsigned long long friends = (unsigned long long)s.friends;
    if (!o->out) {
        fprintf(stderr, "forkcast: rec: synth needs --out DIR\n");
        return 2;
    }
    if (parse_size(o->users, "--users", 100000000, &s.users) ||
        parse_size(o->items, "--items", 100000000, &s.items) ||
        parse_size(o->ratings, "--ratings", 2000000000, &s.ratings) ||
        parse_u64(o->friends, "--friends", 0, 100000, &friends) ||
        parse_size(o->events, "--events", 2000000000, &s.events) || parse_seed(o->seed, &s.seed))
        return 2;
    s.friends = (double)friends;
    return rec_synth_write(&s, o->out, stdout) ? 1 : 0;
}

static double pct(const double *sorted, size_t n, double p)
{
    size_t i = (size_t)ceil(p * (double)n);
    return n ? sorted[i ? i - 1 : 0] : 0;
}

/* Times q requests (similar: rec_similar on random items) and prints wall-clock and CPU
 * percentiles in ms (CPU time is what a busy machine does not inflate). */
static int time_requests(const struct rec_model *m, size_t ids, size_t q, size_t n, int similar,
                         uint64_t *rng)
{
    double *lat = malloc((q + 1) * sizeof *lat), *cpu = malloc((q + 1) * sizeof *cpu), sum = 0;
    struct rec_result *res = malloc((n + 1) * sizeof *res);
    size_t got = 0, nres;
    int rc = FC_ERR;
    if (!lat || !cpu || !res || !ids)
        goto out;
    for (size_t i = 0; i < q; i++) {
        int64_t id = (int64_t)(1 + rec_rand(rng) % ids);
        double t0 = now_s(CLOCK_MONOTONIC), c0 = now_s(CLOCK_THREAD_CPUTIME_ID);
        int r = similar ? rec_similar(m, id, n, res, &nres) : rec_recommend(m, id, n, res, &nres);
        cpu[i] = (now_s(CLOCK_THREAD_CPUTIME_ID) - c0) * 1e3;
        lat[i] = (now_s(CLOCK_MONOTONIC) - t0) * 1e3;
        if (r && r != FC_NOTFOUND)
            goto out;
        sum += lat[i];
        got += r ? 0 : nres;
    }
    qsort(lat, q, sizeof *lat, rec_cmp_double);
    qsort(cpu, q, sizeof *cpu, rec_cmp_double);
    printf("%s-%zu latency over %zu %s: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms, "
           "mean %.3f ms (%.1f results each)\n",
           similar ? "similar" : "top", n, q, similar ? "random items" : "random users",
           pct(lat, q, 0.50), pct(lat, q, 0.90), pct(lat, q, 0.99), q ? lat[q - 1] : 0,
           q ? sum / (double)q : 0, q ? (double)got / (double)q : 0);
    printf("%s-%zu CPU time per request: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms\n",
           similar ? "similar" : "top", n, pct(cpu, q, 0.50), pct(cpu, q, 0.90), pct(cpu, q, 0.99),
           q ? cpu[q - 1] : 0);
    rc = FC_OK;
out:
    free(lat);
    free(cpu);
    free(res);
    return rc;
}

static int cmd_bench(const struct opts *o)
{
    struct rec_files f;
    struct rec_model *m = NULL;
    struct rec_model_info info;
    struct rusage ru;
    unsigned long long q = 10000, n = 10, seed = 1;
    double t0, c0, t1, c1;
    uint64_t rng;
    int rc = 1;

    if (parse_u64(o->queries, "--queries", 0, 100000000, &q) ||
        parse_u64(o->n, "-n", 0, 100000, &n) || parse_u64(o->seed, "--seed", 0, UINT64_MAX, &seed))
        return 2;
    t0 = now_s(CLOCK_MONOTONIC);
    if (load(o, &f))
        return 2;
    t1 = now_s(CLOCK_MONOTONIC);
    printf("forkcast rec bench: loaded %zu ratings, %zu events, %zu friendships, %zu users, "
           "%zu items from CSV in %.2f s\n",
           f.d.n_ratings, f.d.n_events, f.d.n_friends, rec_ids_count(f.users),
           rec_ids_count(f.items), t1 - t0);
    t0 = now_s(CLOCK_MONOTONIC);
    c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
    if (rec_model_build(&f.d, &o->w, &m)) {
        fprintf(stderr, "forkcast: rec: cannot build the model\n");
        goto out;
    }
    t1 = now_s(CLOCK_MONOTONIC);
    c1 = now_s(CLOCK_PROCESS_CPUTIME_ID);
    rec_model_info(m, &info);
    printf("model build: %.2f s wall, %.2f s CPU (one thread); %zu users, %zu items, %zu "
           "interactions, %zu neighbour links, %zu friendships; model %.1f MiB\n",
           t1 - t0, c1 - c0, info.n_users, info.n_items, info.n_interactions, info.n_neighbors,
           info.n_friend_links, (double)info.bytes / 1048576.0);
    rng = seed;
    if (time_requests(m, rec_ids_count(f.users), q, n, 0, &rng) ||
        time_requests(m, rec_ids_count(f.items), q, n, 1, &rng))
        goto out;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak memory (ru_maxrss): %.1f MiB (includes the CSV data set held while building)\n",
           (double)ru.ru_maxrss / 1024.0);
    rc = 0;
out:
    rec_model_free(m);
    rec_files_free(&f);
    return rc;
}

static int cmd_weights(const struct opts *o)
{
    const char *key;
    printf("# configuration keys (conf/forkcast.hdf: Rec.KEY = VALUE) and current values\n");
    for (size_t i = 0; (key = rec_weights_key(i)); i++) {
        double v = 0;
        rec_weights_get(&o->w, key, &v);
        printf("Rec.%s = %g\n", key, v);
    }
    return 0;
}

/* The options that take a value (parse_opts' table and --set), so that the subcommand may
 * follow them. */
static const char *const valued[] = {
    "--ratings",      "--friends", "--items",    "--users",   "--events",     "--blocks",
    "--user",         "--item",    "--out",      "--seed",    "-n",           "--folds",
    "--demo-friends", "-k",        "--relevant", "--queries", "--min-common", "--set",
    "--uci",          "--stars",   "--inner",    "--models",  "--compare",    "--boot",
    "--split-out",    NULL,
};

int fc_rec_cli(int argc, char **argv)
{
    struct opts o;
    const char *cmd;
    int rc;

    fc_cliopt_hoist(argc, argv, valued);
    cmd = argc > 1 ? argv[1] : "";
    if (argc < 2 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 ||
        strcmp(cmd, "help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    rc = parse_opts(argc, argv, &o);
    if (rc)
        return rc > 0 ? 0 : 2;
    if (strcmp(cmd, "eval") == 0)
        return o.legacy ? cmd_eval_legacy(&o) : cmd_eval(&o);
    if (strcmp(cmd, "top") == 0)
        return cmd_top(&o, 0);
    if (strcmp(cmd, "similar") == 0)
        return cmd_top(&o, 1);
    if (strcmp(cmd, "tune") == 0)
        return cmd_tune(&o);
    if (strcmp(cmd, "friends") == 0)
        return cmd_friends(&o);
    if (strcmp(cmd, "synth") == 0)
        return cmd_synth(&o);
    if (strcmp(cmd, "bench") == 0)
        return cmd_bench(&o);
    if (strcmp(cmd, "weights") == 0)
        return cmd_weights(&o);
    if (strcmp(cmd, "convert-uci") == 0) {
        unsigned long long mc = REC_UCI_MIN_COMMON;
        if (o.npos != 2) {
            fprintf(stderr, "forkcast: rec: usage: forkcast rec convert-uci DIR OUTDIR\n");
            return 2;
        }
        if (parse_u64(o.mincommon, "--min-common", 0, 1000, &mc))
            return 2;
        if (o.stars && strcmp(o.stars, "blended") != 0 && strcmp(o.stars, "overall") != 0) {
            fprintf(stderr, "forkcast: rec: --stars must be overall or blended\n");
            return 2;
        }
        return rec_uci_convert(o.pos[0], o.pos[1], (int)mc,
                               o.stars && strcmp(o.stars, "overall") == 0 ? REC_UCI_OVERALL
                                                                          : REC_UCI_BLENDED,
                               stdout)
                   ? 1
                   : 0;
    }
    fprintf(stderr, "forkcast: rec: unknown command '%s'\n", cmd);
    usage(stderr);
    return 2;
}
