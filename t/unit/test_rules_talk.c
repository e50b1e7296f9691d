/* Unit tests: store/rules_talk.c, the conversation rules (likes, comments, notifications) over
 * every combination of the relation bits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store/rules_talk.h"
#include "store/store.h"

#define F  FC_REL_FRIEND
#define RO FC_REL_REQ_OUT
#define RI FC_REL_REQ_IN
#define B  FC_REL_BLOCKED
#define BB FC_REL_BLOCKED_BY

static void test_may_act(void **state)
{
    (void)state;
    /* a visitor never; oneself always; a public author unless a block either way */
    assert_false(fc_rules_talk_may_act(0, 2, "public", 0, 0));
    assert_true(fc_rules_talk_may_act(2, 2, "friends", 0, 0));
    assert_true(fc_rules_talk_may_act(1, 2, "public", 0, 0));
    assert_true(fc_rules_talk_may_act(1, 2, "public", 0, RO | RI));
    assert_false(fc_rules_talk_may_act(1, 2, "public", 0, B));
    assert_false(fc_rules_talk_may_act(1, 2, "public", 0, BB));
    assert_false(fc_rules_talk_may_act(1, 2, "public", 1, 0)); /* disabled author */
    /* friends-only: friends only */
    assert_false(fc_rules_talk_may_act(1, 2, "friends", 0, 0));
    assert_false(fc_rules_talk_may_act(1, 2, "friends", 0, RO));
    assert_true(fc_rules_talk_may_act(1, 2, "friends", 0, F));
    /* every relation: may act exactly when the review is visible, and never across a block */
    for (int rel = 0; rel < 32; rel++) {
        if ((rel & F) && (rel & (B | BB)))
            continue; /* a block ends the friendship */
        for (int pub = 0; pub < 2; pub++) {
            const char *vis = pub ? "public" : "friends";
            int may = fc_rules_talk_may_act(1, 2, vis, 0, rel);
            assert_int_equal(may, fc_store_may_see(1, 2, vis, 0, rel));
            if (rel & (B | BB))
                assert_false(may);
        }
    }
}

static void test_comment_shown(void **state)
{
    (void)state;
    assert_true(fc_rules_talk_comment_shown(1, 1, 3, 0, 0, 0));
    assert_true(fc_rules_talk_comment_shown(1, 0, 3, 0, 0, 0));  /* visitors see a public thread */
    assert_false(fc_rules_talk_comment_shown(0, 1, 3, 0, F, 0)); /* review not seen: nothing */
    assert_false(fc_rules_talk_comment_shown(0, 3, 3, 0, 0, 0)); /* not even one's own */
    assert_false(fc_rules_talk_comment_shown(1, 1, 3, 0, B, 0));
    assert_false(fc_rules_talk_comment_shown(1, 1, 3, 0, BB, 0));
    assert_false(fc_rules_talk_comment_shown(1, 1, 3, 0, B | BB, 0));
    assert_false(fc_rules_talk_comment_shown(1, 1, 3, 1, F, 0)); /* disabled commenter */
    assert_true(fc_rules_talk_comment_shown(1, 3, 3, 0, 0, 0));  /* one's own */
    assert_true(fc_rules_talk_comment_shown(1, 1, 3, 0, F | RO, 0));
    /* a block between the commenter and the review's author: shown to nobody */
    assert_false(fc_rules_talk_comment_shown(1, 1, 3, 0, F, 1));
    assert_false(fc_rules_talk_comment_shown(1, 0, 3, 0, 0, 1));
    assert_false(fc_rules_talk_comment_shown(1, 3, 3, 0, 0, 1));
}

static void test_may_delete(void **state)
{
    (void)state;
    assert_true(fc_rules_talk_may_delete(3, 3, 2));  /* the comment's author */
    assert_true(fc_rules_talk_may_delete(2, 3, 2));  /* the review's author */
    assert_false(fc_rules_talk_may_delete(1, 3, 2)); /* anyone else */
    assert_false(fc_rules_talk_may_delete(0, 0, 0));
}

static void test_notify(void **state)
{
    (void)state;
    assert_int_equal(fc_rules_talk_notify(1, 2), 2);
    assert_int_equal(fc_rules_talk_notify(2, 2), 0); /* one's own review: nobody */
    assert_int_equal(fc_rules_talk_notify(1, 0), 0);
    assert_true(fc_rules_talk_note_shown(2, 1, 0, 0));
    assert_true(fc_rules_talk_note_shown(2, 1, 0, F));
    assert_false(fc_rules_talk_note_shown(2, 1, 0, B));  /* someone the recipient blocked */
    assert_false(fc_rules_talk_note_shown(2, 1, 0, BB)); /* someone who blocked them */
    assert_false(fc_rules_talk_note_shown(2, 1, 1, F));  /* a disabled account */
    assert_false(fc_rules_talk_note_shown(2, 2, 0, 0));
    assert_false(fc_rules_talk_note_shown(0, 1, 0, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_may_act),
        cmocka_unit_test(test_comment_shown),
        cmocka_unit_test(test_may_delete),
        cmocka_unit_test(test_notify),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
