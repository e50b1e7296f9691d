/* Unit tests of rec/snapshot.c's encoding: a snapshot decodes to the dataset it was made
 * from, and anything that is not a whole snapshot of this build (cut short, a changed byte,
 * another magic, extra bytes) is refused rather than half-read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "rec/snapshot.h"

static void make(struct rec_dataset *d)
{
    memset(d, 0, sizeof *d);
    d->n_items = 3;
    d->items = calloc(3, sizeof *d->items);
    for (int i = 0; i < 3; i++) {
        d->items[i].id = 100 + i;
        strcpy(d->items[i].city, i ? "Cuernavaca" : "San Luis Potosi");
        strcpy(d->items[i].cuisines, "Mexican,Bar");
    }
    d->n_users = 2;
    d->users = calloc(2, sizeof *d->users);
    d->users[0].id = 7;
    d->users[1].id = 8;
    strcpy(d->users[1].price, "low");
    d->n_ratings = 4;
    d->ratings = calloc(4, sizeof *d->ratings);
    for (int i = 0; i < 4; i++)
        d->ratings[i] = (struct rec_rating){7 + i % 2, 100 + i % 3, 1 + i, 1700000000 + i};
    d->n_friends = 1;
    d->friends = calloc(1, sizeof *d->friends);
    d->friends[0] = (struct rec_edge){7, 8};
    /* no events, no blocks: empty arrays round-trip as empty */
}

static void test_round_trip(void **state)
{
    struct rec_dataset d, back;
    char *buf = NULL;
    size_t len = 0;
    int64_t version = 0;
    (void)state;
    make(&d);
    assert_int_equal(rec_snapshot_encode(&d, 42, &buf, &len), FC_OK);
    assert_int_equal(rec_snapshot_decode(buf, len, &version, &back), FC_OK);
    assert_int_equal(version, 42);
    assert_int_equal(back.n_items, 3);
    assert_int_equal(back.n_users, 2);
    assert_int_equal(back.n_ratings, 4);
    assert_int_equal(back.n_events, 0);
    assert_int_equal(back.n_friends, 1);
    assert_int_equal(back.n_blocks, 0);
    assert_memory_equal(back.items, d.items, 3 * sizeof *d.items);
    assert_memory_equal(back.users, d.users, 2 * sizeof *d.users);
    assert_memory_equal(back.ratings, d.ratings, 4 * sizeof *d.ratings);
    assert_int_equal(back.friends[0].a, 7);
    assert_int_equal(back.friends[0].b, 8);
    rec_dataset_free(&back);
    rec_dataset_free(&d);
    free(buf);
}

static void test_damage_refused(void **state)
{
    struct rec_dataset d, back;
    char *buf = NULL, *bigger;
    size_t len = 0;
    int64_t version = 0;
    (void)state;
    make(&d);
    assert_int_equal(rec_snapshot_encode(&d, 9, &buf, &len), FC_OK);
    /* cut short anywhere */
    for (size_t cut = 0; cut < len; cut += 37)
        assert_int_equal(rec_snapshot_decode(buf, cut, &version, &back), FC_EINVAL);
    /* one changed byte in the data (the checksum), in the magic */
    buf[len - 5] ^= 1;
    assert_int_equal(rec_snapshot_decode(buf, len, &version, &back), FC_EINVAL);
    buf[len - 5] ^= 1;
    buf[0] = 'X';
    assert_int_equal(rec_snapshot_decode(buf, len, &version, &back), FC_EINVAL);
    buf[0] = 'F';
    assert_int_equal(rec_snapshot_decode(buf, len, &version, &back), FC_OK);
    rec_dataset_free(&back);
    /* bytes after the end */
    bigger = malloc(len + 8);
    memcpy(bigger, buf, len);
    memset(bigger + len, 0, 8);
    assert_int_equal(rec_snapshot_decode(bigger, len + 8, &version, &back), FC_EINVAL);
    free(bigger);
    rec_dataset_free(&d);
    free(buf);
}

static void test_empty_dataset(void **state)
{
    struct rec_dataset d = {0}, back;
    char *buf = NULL;
    size_t len = 0;
    int64_t version = -1;
    (void)state;
    assert_int_equal(rec_snapshot_encode(&d, 0, &buf, &len), FC_OK);
    assert_int_equal(rec_snapshot_decode(buf, len, &version, &back), FC_OK);
    assert_int_equal(version, 0);
    assert_int_equal(back.n_items + back.n_users + back.n_ratings, 0);
    rec_dataset_free(&back);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_damage_refused),
        cmocka_unit_test(test_empty_dataset),
    };
    return cmocka_run_group_tests_name("rec_snapshot", tests, NULL, NULL);
}
