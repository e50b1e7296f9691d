/* Unit tests: store/rules.c, the friend actions as a pure function of the relation, over every
 * combination of the relation bits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "store/rules.h"
#include "store/store.h"

#define F  FC_REL_FRIEND
#define RO FC_REL_REQ_OUT
#define RI FC_REL_REQ_IN
#define B  FC_REL_BLOCKED
#define BB FC_REL_BLOCKED_BY

/* The relation after act, or -refusal. */
static int act(enum fc_rules_act a, int rel)
{
    int after = -1;
    enum fc_rules_refusal r = fc_rules_friend(a, 1, 2, rel, &after);
    if (r) {
        assert_int_equal(after, rel); /* a refusal changes nothing */
        return -(int)r;
    }
    return after;
}

static void test_request(void **state)
{
    (void)state;
    assert_int_equal(act(FC_ACT_REQUEST, 0), RO);
    assert_int_equal(act(FC_ACT_REQUEST, RI), F); /* they had asked: friends at once */
    assert_int_equal(act(FC_ACT_REQUEST, RO), -FC_RULE_ASKED);
    assert_int_equal(act(FC_ACT_REQUEST, F), -FC_RULE_FRIENDS);
    assert_int_equal(act(FC_ACT_REQUEST, B), -FC_RULE_BLOCKED);
    assert_int_equal(act(FC_ACT_REQUEST, BB), -FC_RULE_HIDDEN);
    assert_int_equal(act(FC_ACT_REQUEST, B | BB), -FC_RULE_HIDDEN);
}

static void test_accept_decline_cancel(void **state)
{
    (void)state;
    assert_int_equal(act(FC_ACT_ACCEPT, RI), F);
    assert_int_equal(act(FC_ACT_ACCEPT, RI | RO), F); /* crossing requests both go */
    assert_int_equal(act(FC_ACT_ACCEPT, RO), -FC_RULE_NO_REQUEST);
    assert_int_equal(act(FC_ACT_ACCEPT, 0), -FC_RULE_NO_REQUEST);
    assert_int_equal(act(FC_ACT_DECLINE, RI), 0);
    assert_int_equal(act(FC_ACT_DECLINE, RO), -FC_RULE_NO_REQUEST);
    assert_int_equal(act(FC_ACT_CANCEL, RO), 0);
    assert_int_equal(act(FC_ACT_CANCEL, RI), -FC_RULE_NO_REQUEST);
    assert_int_equal(act(FC_ACT_WITHDRAW, RI), 0);
    assert_int_equal(act(FC_ACT_WITHDRAW, RO), 0);
    assert_int_equal(act(FC_ACT_WITHDRAW, RI | RO), RO); /* theirs first */
    assert_int_equal(act(FC_ACT_WITHDRAW, F), -FC_RULE_NO_REQUEST);
}

static void test_remove(void **state)
{
    (void)state;
    assert_int_equal(act(FC_ACT_REMOVE, F), 0);
    assert_int_equal(act(FC_ACT_REMOVE, RO), -FC_RULE_NOT_FRIENDS);
    assert_int_equal(act(FC_ACT_REMOVE, BB), -FC_RULE_HIDDEN);
}

static void test_block_unblock(void **state)
{
    (void)state;
    assert_int_equal(act(FC_ACT_BLOCK, F | RO | RI), B);
    assert_int_equal(act(FC_ACT_BLOCK, B), B);         /* again: the same */
    assert_int_equal(act(FC_ACT_BLOCK, BB), B | BB);   /* blocking back */
    assert_int_equal(act(FC_ACT_UNBLOCK, B | BB), BB); /* their block stays */
    assert_int_equal(act(FC_ACT_UNBLOCK, 0), 0);
    assert_int_equal(act(FC_ACT_BEFRIEND, 0), F);
    assert_int_equal(act(FC_ACT_BEFRIEND, B), -FC_RULE_BLOCKED);
}

/* A relation the rules can leave: friends have nothing else, a blocker nothing but the block
 * (and the other's block). */
static int valid(int rel)
{
    return !((rel & F) && (rel & (RO | RI | B | BB))) && !((rel & B) && (rel & (F | RO | RI))) &&
           !((rel & BB) && (rel & (F | RO | RI)));
}

/* From every valid relation, every action leaves a valid one. */
static void test_every_relation(void **state)
{
    (void)state;
    for (int rel = 0; rel < 32; rel++)
        for (int a = FC_ACT_REQUEST; a <= FC_ACT_BEFRIEND; a++) {
            int after;
            if (!valid(rel))
                continue;
            after = act((enum fc_rules_act)a, rel);
            if (after < 0)
                continue;
            assert_true(valid(after));
            /* friends never have requests pending between them, nor a block */
            if (after & F)
                assert_int_equal(after & (RO | RI | B | BB), 0);
            /* a block ends everything else the blocker had with them */
            if (after & B)
                assert_int_equal(after & (F | RO | RI), 0);
            /* nobody changes the other's block */
            assert_int_equal(after & BB, rel & BB);
        }
    assert_int_equal(fc_rules_friend(FC_ACT_BLOCK, 3, 3, 0, &(int){0}), FC_RULE_SELF);
}

static void test_names_and_changes(void **state)
{
    int add, drop;
    (void)state;
    for (int a = FC_ACT_REQUEST; a <= FC_ACT_BEFRIEND; a++)
        assert_int_equal(fc_rules_act_parse(fc_rules_act_name((enum fc_rules_act)a)), a);
    assert_int_equal(fc_rules_act_parse("poke"), -1);
    assert_int_equal(fc_rules_act_parse(NULL), -1);
    fc_rules_rel_diff(F | RO, B | RO, &add, &drop);
    assert_int_equal(add, B);
    assert_int_equal(drop, F);
    assert_int_equal(fc_rules_friendship_change(RI, F), 1);
    assert_int_equal(fc_rules_friendship_change(F, B), -1);
    assert_int_equal(fc_rules_friendship_change(RO, 0), 0);
}

/* Best rated: the Bayesian average keeps one 5-star review below many good ones. */
static void test_bayes(void **state)
{
    (void)state;
    /* no reviews: the prior */
    assert_true(fabs(fc_rules_bayes(0, 0) - FC_RULES_BAYES_PRIOR) < 1e-9);
    /* one 5-star review: (3 * 5 + 5) / 6 */
    assert_true(fabs(fc_rules_bayes(5, 1) - 20.0 / 6.0) < 1e-9);
    /* twenty reviews averaging 4.2 beat a single 5 */
    assert_true(fc_rules_bayes(84, 20) > fc_rules_bayes(5, 1));
    /* many reviews: close to their own average */
    assert_true(fabs(fc_rules_bayes(4000, 1000) - 4.0) < 0.01);
    /* one 1-star review pulls less than many */
    assert_true(fc_rules_bayes(1, 1) > fc_rules_bayes(20, 20));
    /* more of the same average ranks higher when it is above the prior */
    assert_true(fc_rules_bayes(45, 10) > fc_rules_bayes(9, 2));
    assert_true(fabs(fc_rules_bayes(0, -3) - FC_RULES_BAYES_PRIOR) < 1e-9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request),        cmocka_unit_test(test_accept_decline_cancel),
        cmocka_unit_test(test_remove),         cmocka_unit_test(test_block_unblock),
        cmocka_unit_test(test_every_relation), cmocka_unit_test(test_names_and_changes),
        cmocka_unit_test(test_bayes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
