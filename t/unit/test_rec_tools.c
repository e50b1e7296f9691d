/* Unit tests: the recommender's tools: id tables, CSV loading, evaluation, synthetic data and
 * the UCI converter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "rec/csv.h"
#include "rec/engine.h"
#include "rec/eval.h"
#include "rec/proto.h"
#include "rec/synth.h"
#include "rec/uci.h"

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[256];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* The whole file as a malloc'd string. */
static char *read_file(const char *dir, const char *name)
{
    char path[256], *buf;
    FILE *f;
    long n;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "r");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = calloc(1, (size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return buf;
}

static void rm_rf(const char *dir)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_ids(void **state)
{
    struct rec_ids *t = NULL;
    int64_t a, b, c;
    char name[32];
    (void)state;
    assert_int_equal(rec_ids_new(&t), FC_OK);
    assert_int_equal(rec_ids_intern(t, "U1077", 5, &a), FC_OK);
    assert_int_equal(rec_ids_intern(t, "135085,x", 6, &b), FC_OK);
    assert_int_equal(rec_ids_intern(t, "U1077", 5, &c), FC_OK);
    assert_int_equal(a, 1);
    assert_int_equal(b, 2);
    assert_int_equal(c, a);
    assert_int_equal(rec_ids_intern(t, "", 0, &c), FC_EINVAL);
    assert_string_equal(rec_ids_name(t, b), "135085");
    assert_null(rec_ids_name(t, 3));
    assert_int_equal(rec_ids_find(t, "U1077"), 1);
    assert_int_equal(rec_ids_find(t, "U107"), 0);
    for (int i = 0; i < 5000; i++) { /* grows past the first tables */
        snprintf(name, sizeof name, "id-%d", i);
        assert_int_equal(rec_ids_intern(t, name, strlen(name), &c), FC_OK);
        assert_int_equal(c, i + 3);
    }
    assert_int_equal(rec_ids_count(t), 5002);
    assert_int_equal(rec_ids_find(t, "id-4321"), 4324);
    assert_string_equal(rec_ids_name(t, 1), "U1077");
    rec_ids_free(t);
}

static void test_csv_load(void **state)
{
    char dir[] = "/tmp/fc-rec-csv-XXXXXX";
    char p_r[64], p_f[64], p_i[64], p_u[64], p_e[64], p_b[64];
    struct rec_paths p = {p_r, p_f, p_b, p_e, p_i, p_u};
    struct rec_files f;
    int64_t u1077, u2, pl;
    (void)state;
    assert_non_null(mkdtemp(dir));
    write_file(dir, "r.csv",
               "userID,placeID,rating,timestamp\r\n"
               "U1077,135085,5,1700000000\r\n"
               "# a comment\r\n"
               "\r\n"
               "U1077, 135038 ,4.6\r\n"
               "U2,135085,2\r\n"
               "U2,135085\r\n"      /* too few columns */
               "U2,135086,nine\r\n" /* not a number */
               "U2,135086,7\r\n"    /* out of range */
               "\"U3\",\"135085\",1\r\n");
    write_file(dir, "f.csv", "user,friend\nU1077,U2\nU2,U9\n");
    write_file(dir, "b.csv", "U3,U1077\n");
    write_file(dir, "e.csv", "U9,135085,save,12\nU9,135038,view\nU9,135038,like\n");
    write_file(
        dir, "i.csv",
        "item,city,price,cuisines,name\n135085,Cuernavaca,low,Mexican;Latin_American,Kiku\n");
    write_file(dir, "u.csv", "user,city,price,cuisines\nU1077,San Luis Potosi,medium,Cafe\n");
    snprintf(p_r, sizeof p_r, "%s/r.csv", dir);
    snprintf(p_f, sizeof p_f, "%s/f.csv", dir);
    snprintf(p_b, sizeof p_b, "%s/b.csv", dir);
    snprintf(p_e, sizeof p_e, "%s/e.csv", dir);
    snprintf(p_i, sizeof p_i, "%s/i.csv", dir);
    snprintf(p_u, sizeof p_u, "%s/u.csv", dir);
    assert_int_equal(rec_files_load(&f, &p), FC_OK);
    assert_int_equal(f.d.n_ratings, 4);
    assert_int_equal(f.skipped, 4);
    u1077 = rec_ids_find(f.users, "U1077");
    u2 = rec_ids_find(f.users, "U2");
    pl = rec_ids_find(f.items, "135085");
    assert_true(u1077 > 0 && u2 > 0 && pl > 0);
    assert_int_equal(f.d.ratings[0].user, u1077);
    assert_int_equal(f.d.ratings[0].item, pl);
    assert_int_equal(f.d.ratings[0].at, 1700000000);
    assert_int_equal(f.d.ratings[1].stars, 5); /* 4.6 rounds */
    assert_string_equal(rec_ids_name(f.items, f.d.ratings[1].item), "135038");
    assert_string_equal(rec_ids_name(f.users, f.d.ratings[3].user), "U3");
    assert_int_equal(f.d.n_friends, 2);
    assert_int_equal(f.d.friends[0].a, u1077);
    assert_int_equal(f.d.friends[0].b, u2);
    assert_int_equal(f.d.n_blocks, 1);
    assert_int_equal(f.d.blocks[0].b, u1077);
    assert_int_equal(f.d.n_events, 2);
    assert_int_equal(f.d.events[0].type, REC_EV_SAVE);
    assert_int_equal(f.d.events[0].at, 12);
    assert_int_equal(f.d.events[1].type, REC_EV_VIEW);
    assert_int_equal(f.d.n_items, 1);
    assert_int_equal(f.d.items[0].id, pl);
    assert_string_equal(f.d.items[0].cuisines, "Mexican,Latin_American");
    assert_string_equal(f.d.items[0].name, "Kiku");
    assert_int_equal(f.d.n_users, 1);
    assert_string_equal(f.d.users[0].city, "San Luis Potosi");
    rec_files_free(&f);

    p.ratings = "/nonexistent/ratings.csv";
    assert_int_equal(rec_files_load(&f, &p), FC_ERR);
    rm_rf(dir);
}

/* Two groups of users with separate tastes; the big group makes the popular items. */
static void clusters(struct rec_dataset *d, struct rec_rating *r, struct rec_item *it)
{
    size_t n = 0, ni = 0;
    memset(d, 0, sizeof *d);
    for (int64_t i = 1; i <= 8; i++)
        it[ni++] = (struct rec_item){.id = i, .city = "North"};
    for (int64_t i = 101; i <= 130; i++)
        it[ni++] = (struct rec_item){.id = i, .city = "South"};
    for (int64_t u = 1; u <= 20; u++)
        for (int64_t k = 0; k < 5; k++)
            r[n++] = (struct rec_rating){u, (u + k) % 8 + 1, 5, 0};
    for (int64_t u = 101; u <= 160; u++)
        for (int64_t k = 0; k < 6; k++)
            r[n++] = (struct rec_rating){u, 101 + (u + 3 * k) % 12, k == 5 ? 2 : 5, 0};
    d->ratings = r;
    d->n_ratings = n;
    d->items = it;
    d->n_items = ni;
}

static void assert_metrics_sane(const struct rec_eval_metrics *x)
{
    assert_true(x->users > 0);
    assert_true(x->hit >= 0 && x->hit <= 1);
    assert_true(x->ndcg >= 0 && x->ndcg <= x->hit + 1e-12);
    assert_true(x->precision >= 0 && x->precision <= x->hit + 1e-12);
    assert_true(x->coverage > 0 && x->coverage <= 1);
}

static void test_eval(void **state)
{
    struct rec_rating *r = calloc(1000, sizeof *r);
    struct rec_item *it = calloc(64, sizeof *it);
    struct rec_dataset d;
    struct rec_eval_opts o;
    struct rec_eval_report a, b;
    (void)state;
    clusters(&d, r, it);
    rec_eval_defaults(&o);
    assert_int_equal(rec_eval_run(&d, &o, &a), FC_OK);
    assert_int_equal(a.n_ratings, 460);
    assert_int_equal(a.n_users, 80);
    assert_int_equal(a.n_items, 38);
    assert_int_equal(a.n_relevant, 400);
    assert_metrics_sane(&a.engine);
    assert_metrics_sane(&a.popularity);
    assert_metrics_sane(&a.cold_engine);
    assert_metrics_sane(&a.cold_popularity);
    /* the small group's tastes are invisible to popularity, not to the engine */
    assert_true(a.engine.hit > a.popularity.hit + 0.1);
    assert_true(a.engine.ndcg > a.popularity.ndcg);
    assert_true(a.engine.coverage > a.popularity.coverage);
    /* the same seed gives the same numbers */
    assert_int_equal(rec_eval_run(&d, &o, &b), FC_OK);
    assert_memory_equal(&a, &b, sizeof a);
    /* leave-one-out: one held-out rating per user */
    o.loo = 1;
    assert_int_equal(rec_eval_run(&d, &o, &b), FC_OK);
    assert_int_equal(b.engine.users, 80);
    assert_true(b.engine.hit > b.popularity.hit);
    /* friendships derived per fold */
    o.loo = 0;
    o.demo_friends = 3;
    assert_int_equal(rec_eval_run(&d, &o, &b), FC_OK);
    assert_metrics_sane(&b.engine);
    /* 3 stars is not relevant: nobody has anything to find */
    for (size_t i = 0; i < d.n_ratings; i++)
        r[i].stars = 3;
    rec_eval_defaults(&o);
    assert_int_equal(rec_eval_run(&d, &o, &b), FC_OK);
    assert_int_equal(b.n_relevant, 0);
    assert_int_equal(b.engine.users, 0);
    assert_int_equal(b.popularity.users, 0);
    assert_int_equal(b.cold_engine.users, 0);
    o.relevant = 3;
    assert_int_equal(rec_eval_run(&d, &o, &b), FC_OK);
    assert_int_equal(b.n_relevant, 460);
    assert_true(b.engine.users >= a.engine.users);
    o.folds = 1;
    assert_int_equal(rec_eval_run(&d, &o, &b), FC_EINVAL);
    d.n_ratings = 0;
    rec_eval_defaults(&o);
    assert_int_equal(rec_eval_run(&d, &o, &b), FC_EINVAL);
    free(r);
    free(it);
}

static void test_synth(void **state)
{
    char a[] = "/tmp/fc-rec-synth-XXXXXX", b[] = "/tmp/fc-rec-synth-XXXXXX";
    struct rec_synth_opts o = {300, 50, 3000, 8, 40, 3};
    char *ra, *rb, path[4][96];
    struct rec_paths p;
    struct rec_files f;
    (void)state;
    assert_non_null(mkdtemp(a));
    assert_non_null(mkdtemp(b));
    assert_int_equal(rec_synth_write(&o, a, NULL), FC_OK);
    assert_int_equal(rec_synth_write(&o, b, NULL), FC_OK);
    ra = read_file(a, "ratings.csv");
    rb = read_file(b, "ratings.csv");
    assert_string_equal(ra, rb); /* same seed, same data */
    free(rb);
    o.seed = 4;
    assert_int_equal(rec_synth_write(&o, b, NULL), FC_OK);
    rb = read_file(b, "ratings.csv");
    assert_true(strcmp(ra, rb) != 0);
    free(ra);
    free(rb);
    memset(&p, 0, sizeof p);
    snprintf(path[0], sizeof path[0], "%s/ratings.csv", a);
    snprintf(path[1], sizeof path[1], "%s/friends.csv", a);
    snprintf(path[2], sizeof path[2], "%s/items.csv", a);
    snprintf(path[3], sizeof path[3], "%s/events.csv", a);
    p.ratings = path[0];
    p.friends = path[1];
    p.items = path[2];
    p.events = path[3];
    assert_int_equal(rec_files_load(&f, &p), FC_OK);
    assert_int_equal(f.skipped, 0);
    assert_true(f.d.n_ratings > 2700 && f.d.n_ratings <= 3100);
    assert_int_equal(f.d.n_items, 50);
    assert_int_equal(f.d.n_events, 40);
    assert_true(f.d.n_friends > 300 && f.d.n_friends < 2400);
    for (size_t i = 0; i < f.d.n_ratings; i++)
        assert_true(f.d.ratings[i].stars >= 1 && f.d.ratings[i].stars <= 5);
    rec_files_free(&f);
    rm_rf(a);
    rm_rf(b);
}

/* The converter on a four-restaurant sample in the UCI format (t/data/rec/uci). */
static void test_uci_convert(void **state)
{
    char out[] = "/tmp/fc-rec-uci-XXXXXX";
    char *s;
    (void)state;
    assert_non_null(mkdtemp(out));
    assert_int_equal(rec_uci_convert("t/data/rec/uci", out, 3, REC_UCI_BLENDED, NULL), FC_OK);
    s = read_file(out, "ratings.csv");
    /* 2/2/2 -> 5, 1/1/1 -> 3, 0/0/0 -> 1, 2/1/0 -> 4, 2/2/1 -> 5, 0/1/0 -> 2 (half up) */
    assert_non_null(strstr(s, "user,item,rating\nU9001,900001,5\nU9001,900003,3\n"
                              "U9001,900004,1\nU9002,900001,4\nU9002,900003,4\n"
                              "U9002,900004,5\nU9003,900001,2\n"));
    free(s);
    s = read_file(out, "items.csv");
    assert_non_null(strstr(s, "900001,San Luis Potosi,low,Mexican,Tacos Uno\n"));
    /* no city: from the coordinates; Latin-1 name as UTF-8; cuisine names without '_' */
    assert_non_null(
        strstr(s, "900002,Cuernavaca,medium,Latin American;Mexican,El Rinc\xc3\xb3n\n"));
    assert_non_null(strstr(s, "900004,San Luis Potosi,medium,,Pizza Cuatro\n"));
    free(s);
    s = read_file(out, "users.csv");
    assert_non_null(strstr(s, "U9001,San Luis Potosi,low,Mexican;Fast Food\n"));
    assert_non_null(strstr(s, "U9003,San Luis Potosi,,\n"));
    assert_non_null(strstr(s, "U9004,Ciudad Victoria,high,Cafe-Coffee Shop\n"));
    free(s);
    s = read_file(out, "friends.csv"); /* only U9001 and U9002 rated 3 places in common */
    assert_string_equal(s, "user,friend\nU9001,U9002\n");
    free(s);
    assert_int_equal(rec_uci_convert("t/data/rec/uci", out, 2, REC_UCI_BLENDED, NULL), FC_OK);
    s = read_file(out, "friends.csv");
    assert_string_equal(s, "user,friend\nU9001,U9002\nU9001,U9003\nU9002,U9003\n");
    free(s);
    assert_int_equal(rec_uci_convert("/nonexistent", out, 3, REC_UCI_BLENDED, NULL), FC_ERR);
    rm_rf(out);
}

/* HitRate, NDCG and recall on a case computed by hand. */
static void test_proto_metrics(void **state)
{
    const int64_t list[] = {7, 3, 9, 4, 8};
    const int64_t rel[] = {9, 1}, rel2[] = {3, 7, 4};
    struct rec_proto_metrics m;
    (void)state;
    /* one hit at rank 3: DCG = 1/log2(4) = 0.5, ideal DCG = 1 + 1/log2(3) */
    rec_proto_score(list, 5, rel, 2, 10, &m);
    assert_true(m.hit == 1);
    assert_true(fabs(m.ndcg - 0.5 / (1 + 1 / log2(3))) < 1e-12);
    assert_true(fabs(m.recall - 0.5) < 1e-12);
    /* cut at 2: the hit at rank 3 does not count */
    rec_proto_score(list, 5, rel, 2, 2, &m);
    assert_true(m.hit == 0 && m.ndcg == 0 && m.recall == 0);
    /* ranks 1, 2 and 4 of three relevant: (1 + 1/log2(3) + 1/log2(5)) / (1 + 1/log2(3) + 0.5) */
    rec_proto_score(list, 5, rel2, 3, 10, &m);
    assert_true(fabs(m.ndcg - (1 + 1 / log2(3) + 1 / log2(5)) / (1 + 1 / log2(3) + 0.5)) < 1e-12);
    assert_true(fabs(m.recall - 1.0) < 1e-12);
    /* k = 2 with three relevant: ideal DCG over min(3, 2) = 2 ranks, both hit */
    rec_proto_score(list, 5, rel2, 3, 2, &m);
    assert_true(fabs(m.ndcg - 1.0) < 1e-12);
    assert_true(fabs(m.recall - 2.0 / 3.0) < 1e-12);
    rec_proto_score(list, 0, rel, 2, 10, &m);
    assert_true(m.hit == 0 && m.ndcg == 0 && m.recall == 0);
}

/* The per-user split: folds partition each user's ratings evenly, a pair rated twice stays in
 * one fold, leave-one-out holds out one relevant rating of users with two or more. */
static void test_proto_split(void **state)
{
    struct rec_rating *r = calloc(1000, sizeof *r);
    struct rec_item *it = calloc(64, sizeof *it);
    struct rec_dataset d;
    int *fold = calloc(1000, sizeof *fold), *again = calloc(1000, sizeof *again);
    (void)state;
    clusters(&d, r, it);
    r[d.n_ratings++] = (struct rec_rating){1, 2, 4, 0};   /* user 1 rated item 2 twice */
    r[d.n_ratings++] = (struct rec_rating){500, 1, 5, 0}; /* a user with a single rating */
    assert_int_equal(rec_proto_split(&d, 5, 0, 4, 1, fold), FC_OK);
    for (int64_t u = 1; u <= 500; u++) {
        int count[5] = {0}, n = 0, lo = 1000, hi = 0, dup = 0;
        for (size_t i = 0; i < d.n_ratings; i++) {
            if (r[i].user != u)
                continue;
            assert_true(fold[i] >= 0 && fold[i] < 5); /* every rating held out exactly once */
            count[fold[i]]++;
            n++;
            /* no held-out item is in training: the same pair is in the same fold */
            for (size_t j = 0; j < d.n_ratings; j++)
                if (r[j].user == u && r[j].item == r[i].item) {
                    assert_int_equal(fold[j], fold[i]);
                    dup += j != i;
                }
        }
        if (!n || dup)
            continue;
        for (int f = 0; f < 5; f++) {
            lo = count[f] < lo ? count[f] : lo;
            hi = count[f] > hi ? count[f] : hi;
        }
        assert_true(hi - lo <= 1); /* dealt round-robin */
    }
    assert_int_equal(rec_proto_split(&d, 5, 0, 4, 1, again), FC_OK);
    assert_memory_equal(fold, again, d.n_ratings * sizeof *fold);
    assert_int_equal(rec_proto_split(&d, 5, 0, 4, 2, again), FC_OK);
    assert_memory_not_equal(fold, again, d.n_ratings * sizeof *fold);

    assert_int_equal(rec_proto_split(&d, 5, 1, 4, 1, fold), FC_OK);
    for (int64_t u = 1; u <= 500; u++) {
        int held = 0, n = 0;
        int64_t held_item = 0;
        for (size_t i = 0; i < d.n_ratings; i++) {
            if (r[i].user != u)
                continue;
            n++;
            assert_true(fold[i] == 0 || fold[i] == -1);
            if (fold[i] == 0) { /* one item (held with its duplicate, if rated twice) */
                held += !held_item;
                assert_true(!held_item || held_item == r[i].item);
                held_item = r[i].item;
                assert_true(r[i].stars >= 4 || held > 0);
            }
        }
        if (n)
            assert_int_equal(held, n >= 2 ? 1 : 0);
    }
    assert_int_equal(rec_proto_split(&d, 1, 0, 4, 1, fold), FC_EINVAL);
    free(r);
    free(it);
    free(fold);
    free(again);
}

/* The protocol on two clusters: every model runs, a neighbourhood model and forkcast beat
 * popularity, the units are the same for every row, the bootstrap brackets the difference. */
static void test_proto_run(void **state)
{
    struct rec_rating *r = calloc(1000, sizeof *r);
    struct rec_item *it = calloc(64, sizeof *it);
    struct rec_dataset d;
    struct rec_proto_opts o;
    struct rec_proto_report a;
    struct rec_proto_diff df;
    (void)state;
    clusters(&d, r, it);
    rec_proto_defaults(&o);
    o.quick = 1;
    o.side = 1;
    assert_int_equal(rec_proto_run(&d, &o, &a), FC_OK);
    assert_int_equal(a.n_ratings, 460);
    assert_int_equal(a.n_items, 38);
    assert_int_equal(a.n_folds, 5);
    assert_true(a.n_units > 0 && a.n_eval_users > 0 && a.n_eval_users <= 80);
    for (int m = 0; m < REC_PM_N; m++) {
        assert_int_equal(a.row[0][m].ran, m != REC_PM_CITYPOP);
        if (m == REC_PM_CITYPOP)
            continue;
        assert_true(a.row[0][m].mean.hit >= 0 && a.row[0][m].mean.hit <= 1);
        assert_true(a.row[0][m].mean.ndcg <= a.row[0][m].mean.hit + 1e-12);
        assert_true(a.row[0][m].se.hit >= 0 && a.row[0][m].se.hit < 0.5);
        assert_true(a.row[0][m].chosen[0][0] != '\0');
    }
    assert_true(a.row[0][REC_PM_POP].se.ndcg > 0);
    assert_true(a.row[1][REC_PM_CITYPOP].ran && a.row[1][REC_PM_ENGINE].ran);
    assert_true(!a.row[1][REC_PM_RP3].ran);
    assert_true(a.row[0][REC_PM_RP3].mean.ndcg > a.row[0][REC_PM_POP].mean.ndcg + 0.1);
    assert_true(a.row[0][REC_PM_ENGINE].mean.ndcg > a.row[0][REC_PM_POP].mean.ndcg + 0.1);
    assert_true(a.row[0][REC_PM_ENGINE_DEF].mean.hit > a.row[0][REC_PM_POP].mean.hit);
    assert_int_equal(rec_proto_compare(&a, 0, REC_PM_RP3, 0, REC_PM_POP, 1, 500, 1, &df), FC_OK);
    assert_true(fabs(df.mean - (a.row[0][REC_PM_RP3].mean.ndcg - a.row[0][REC_PM_POP].mean.ndcg)) <
                1e-9);
    assert_true(df.lo <= df.mean && df.mean <= df.hi && df.lo > 0 && df.p_le0 == 0);
    assert_int_equal(rec_proto_compare(&a, 0, REC_PM_CITYPOP, 0, REC_PM_POP, 1, 500, 1, &df),
                     FC_EINVAL);
    rec_proto_report_free(&a);
    o.k = 0;
    assert_int_equal(rec_proto_run(&d, &o, &a), FC_EINVAL);
    free(r);
    free(it);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ids),         cmocka_unit_test(test_csv_load),
        cmocka_unit_test(test_eval),        cmocka_unit_test(test_synth),
        cmocka_unit_test(test_uci_convert), cmocka_unit_test(test_proto_metrics),
        cmocka_unit_test(test_proto_split), cmocka_unit_test(test_proto_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
