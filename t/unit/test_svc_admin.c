/* Unit tests: svc/admin.c, svc/instances.c, svc/backups.c: the admin role is checked by the
 * services themselves (whatever the routes do), the account rules, the health figures and the
 * "not configured" answer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/testutil.h"
#include "core/app.h"
#include "svc/admin.h"
#include "svc/backups.h"
#include "svc/instances.h"

static char dir[64];
static struct fc_app app;
static struct fc_user ann, bob, cat; /* ann: administrator; bob, cat: not */

static void mkuser(struct fc_user *u, const char *name, int admin)
{
    memset(u, 0, sizeof *u);
    snprintf(u->username, sizeof u->username, "%s", name);
    snprintf(u->email, sizeof u->email, "%s@example.com", name);
    snprintf(u->display_name, sizeof u->display_name, "%s", name);
    snprintf(u->pw_hash, sizeof u->pw_hash, "x");
    snprintf(u->visibility, sizeof u->visibility, "public");
    u->is_admin = admin;
    assert_int_equal(app.store->ops->user_create(app.store, u), FC_OK);
}

static int setup(void **state)
{
    (void)state;
    memset(&app, 0, sizeof app);
    app.cfg = testutil_config(dir);
    if (!app.cfg || fc_store_open(app.cfg, &app.store))
        return -1;
    /* no bucket, no AWS credentials anywhere: both backends are "not configured" */
    hdf_set_value(app.cfg, "Backup.Bucket", "");
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent", 1);
    setenv("AWS_CONFIG_FILE", "/nonexistent", 1);
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    unsetenv("AWS_PROFILE");
    mkuser(&ann, "ann", 1);
    mkuser(&bob, "bob", 0);
    mkuser(&cat, "cat", 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fc_store_close(app.store);
    hdf_destroy(&app.cfg);
    testutil_cleanup(dir);
    return 0;
}

static struct fc_svc as(const struct fc_user *u)
{
    struct fc_svc sv = {.app = &app, .actor = u, .request_id = "test"};
    return sv;
}

/* Every admin operation refuses a visitor (401) and a user without the role (403) itself,
 * and changes nothing. */
static void test_role_checked_in_the_service(void **state)
{
    const struct fc_user *who[] = {NULL, &bob};
    const int want[] = {401, 403};
    (void)state;
    for (int k = 0; k < 2; k++) {
        struct fc_svc sv = as(who[k]);
        struct fc_svc_result res;
        struct fc_svc_admin_dashboard d;
        struct fc_svc_admin_users_in uin = {"", "", 0};
        struct fc_svc_admin_users users;
        struct fc_svc_admin_health h;
        struct fc_svc_instance_list_in lin = {"", ""};
        struct fc_svc_instance_list list;
        struct fc_svc_instance_launched launched;
        struct fc_svc_instance_view *view = calloc(1, sizeof *view);
        struct fc_svc_backup_overview *bo = calloc(1, sizeof *bo);
        struct fc_svc_backup_progress bp;
        struct fc_svc_backup_restore_in rin = {"20240501T120000Z-1a2b", "first"};
        struct fc_ec2_launch l = {.image_id = "ami-12345678",
                                  .instance_type = "t3.micro",
                                  .count = 1,
                                  .client_token = "token"};
        struct fc_user u;
        int reviews, has;

        assert_non_null(view);
        assert_non_null(bo);
#define REFUSED(call)                                                                              \
    do {                                                                                           \
        res.status = 0;                                                                            \
        assert_int_not_equal((call), FC_OK);                                                       \
        assert_int_equal(res.status, want[k]);                                                     \
    } while (0)
        REFUSED(fc_svc_admin_dashboard(&sv, &d, &res));
        REFUSED(fc_svc_admin_users(&sv, &uin, &users, &res));
        fc_svc_admin_users_free(&users);
        REFUSED(fc_svc_admin_user(&sv, "cat", &u, &reviews, &res));
        fc_user_clear(&u);
        REFUSED(fc_svc_admin_act(&sv, "cat", FC_SVC_ADMIN_DISABLE, NULL, &res));
        REFUSED(fc_svc_admin_act(&sv, "bob", FC_SVC_ADMIN_MAKE_ADMIN, NULL, &res));
        REFUSED(fc_svc_admin_health(&sv, "1h", &h, &res));
        fc_svc_admin_health_free(&h);
        REFUSED(fc_svc_instance_list(&sv, &lin, &list, &res));
        fc_svc_instance_list_free(&list);
        REFUSED(fc_svc_instance_launch(&sv, &l, 0, &launched, &res));
        REFUSED(fc_svc_instance_get(&sv, "i-0123456789abcdef0", 0, view, &res));
        fc_svc_instance_view_free(view);
        REFUSED(fc_svc_instance_act(&sv, "i-0123456789abcdef0", FC_EC2_STOP, "n", 0, &res));
        REFUSED(fc_svc_backup_overview(&sv, bo, &res));
        fc_svc_backup_overview_free(bo);
        REFUSED(fc_svc_backup_progress(&sv, &bp, &has, &res));
        REFUSED(fc_svc_backup_run(&sv, &res));
        REFUSED(fc_svc_backup_restore(&sv, &rin, &res));
#undef REFUSED
        free(view);
        free(bo);
    }
    /* nothing changed */
    {
        struct fc_user u;
        assert_int_equal(app.store->ops->user_by_name(app.store, "cat", &u), FC_OK);
        assert_int_equal(u.disabled, 0);
        fc_user_clear(&u);
        assert_int_equal(app.store->ops->user_by_name(app.store, "bob", &u), FC_OK);
        assert_int_equal(u.is_admin, 0);
        fc_user_clear(&u);
    }
}

static void test_account_actions(void **state)
{
    struct fc_svc sv = as(&ann);
    struct fc_svc_result res;
    struct fc_user u, before;
    enum fc_svc_admin_action a;
    int64_t uid = 0, created = 0, seen = 0;
    (void)state;

    assert_int_equal(fc_svc_admin_action_parse("make-admin", &a), FC_OK);
    assert_int_equal(a, FC_SVC_ADMIN_MAKE_ADMIN);
    assert_int_equal(fc_svc_admin_action_parse("delete", &a), FC_EINVAL);

    /* nobody disables themselves or drops their own role */
    assert_int_not_equal(fc_svc_admin_act(&sv, "ann", FC_SVC_ADMIN_DISABLE, NULL, &res), FC_OK);
    assert_int_equal(res.status, 409);
    assert_non_null(strstr(res.message, "cannot disable your own account"));
    assert_int_not_equal(fc_svc_admin_act(&sv, "ann", FC_SVC_ADMIN_REMOVE_ADMIN, NULL, &res),
                         FC_OK);
    assert_int_equal(res.status, 409);
    assert_non_null(fc_svc_admin_refusal(&ann, FC_SVC_ADMIN_DISABLE, &ann));
    assert_null(fc_svc_admin_refusal(&ann, FC_SVC_ADMIN_DISABLE, &cat));

    assert_int_not_equal(fc_svc_admin_act(&sv, "nobody", FC_SVC_ADMIN_ENABLE, NULL, &res), FC_OK);
    assert_int_equal(res.status, 404);

    /* disabling ends the sessions */
    assert_int_equal(app.store->ops->session_create(app.store, "hcat", cat.id, 100), FC_OK);
    assert_int_equal(fc_svc_admin_act(&sv, "cat", FC_SVC_ADMIN_DISABLE, &before, &res), FC_OK);
    assert_int_equal(res.status, 200);
    assert_int_equal(before.disabled, 0);
    assert_string_equal(before.username, "cat");
    fc_user_clear(&before);
    assert_non_null(strstr(res.message, "is disabled"));
    assert_int_equal(app.store->ops->user_by_name(app.store, "cat", &u), FC_OK);
    assert_int_equal(u.disabled, 1);
    fc_user_clear(&u);
    assert_int_equal(app.store->ops->session_get(app.store, "hcat", &uid, &created, &seen),
                     FC_NOTFOUND);
    assert_int_equal(fc_svc_admin_act(&sv, "cat", FC_SVC_ADMIN_DISABLE, NULL, &res), FC_OK);
    assert_non_null(strstr(res.message, "Nothing to change"));
    assert_int_equal(fc_svc_admin_act(&sv, "cat", FC_SVC_ADMIN_ENABLE, NULL, &res), FC_OK);
    assert_int_equal(app.store->ops->user_by_name(app.store, "cat", &u), FC_OK);
    assert_int_equal(u.disabled, 0);
    fc_user_clear(&u);
}

static void test_users_and_health(void **state)
{
    struct fc_svc sv = as(&ann);
    struct fc_svc_result res;
    struct fc_svc_admin_users out;
    struct fc_svc_admin_users_in in = {"", "admin", 0};
    struct fc_svc_admin_health h;
    struct fc_svc_admin_dashboard d;
    int quick_check = 0;
    (void)state;

    assert_int_equal(fc_svc_admin_users(&sv, &in, &out, &res), FC_OK);
    assert_int_equal(out.total, 1);
    assert_string_equal(out.users[0].username, "ann");
    assert_string_equal(out.role, "admin");
    fc_svc_admin_users_free(&out);
    in.role = "robots";
    assert_int_not_equal(fc_svc_admin_users(&sv, &in, &out, &res), FC_OK);
    assert_int_equal(res.status, 400);
    assert_string_equal(res.field, "role");
    fc_svc_admin_users_free(&out);
    in.role = "";
    in.page = -1;
    assert_int_not_equal(fc_svc_admin_users(&sv, &in, &out, &res), FC_OK);
    assert_string_equal(res.field, "page");
    fc_svc_admin_users_free(&out);

    assert_int_equal(fc_svc_admin_dashboard(&sv, &d, &res), FC_OK);
    assert_int_equal(d.users, 3);
    assert_int_equal(d.admins, 1);

    assert_int_not_equal(fc_svc_admin_health(&sv, "7d", &h, &res), FC_OK);
    assert_int_equal(res.status, 400);
    assert_string_equal(res.field, "window");
    fc_svc_admin_health_free(&h);
    assert_int_equal(fc_svc_admin_health(&sv, "", &h, &res), FC_OK);
    assert_string_equal(h.window, "1h");
    assert_true(h.has_metrics);
    assert_true(h.nchecks > 0);
    for (int i = 0; i < h.nchecks; i++)
        if (strstr(h.checks[i].name, "quick_check") && h.checks[i].ok)
            quick_check = 1;
    assert_true(quick_check);
    fc_svc_admin_health_free(&h);
}

/* No bucket and no AWS credentials: both answer the one "not configured" result, and what the
 * backups page shows besides is still there. */
static void test_not_configured(void **state)
{
    struct fc_svc sv = as(&ann);
    struct fc_svc_result res;
    struct fc_svc_instance_list_in lin = {"", ""};
    struct fc_svc_instance_list list;
    struct fc_svc_backup_overview *bo = calloc(1, sizeof *bo);
    struct fc_svc_backup_restore_in rin = {"20240501T120000Z-1a2b", "first"};
    (void)state;

    assert_non_null(bo);
    assert_int_not_equal(fc_svc_backup_overview(&sv, bo, &res), FC_OK);
    assert_true(fc_svc_is_not_configured(&res));
    assert_int_equal(res.status, 503);
    assert_non_null(strstr(res.message, "Backup.Bucket"));
    assert_false(bo->configured);
    assert_true(bo->restore_root[0] != '\0');
    fc_svc_backup_overview_free(bo);
    free(bo);
    assert_int_not_equal(fc_svc_backup_run(&sv, &res), FC_OK);
    assert_true(fc_svc_is_not_configured(&res));
    assert_int_not_equal(fc_svc_backup_restore(&sv, &rin, &res), FC_OK);
    assert_true(fc_svc_is_not_configured(&res));
    rin.folder = "../etc";
    assert_int_not_equal(fc_svc_backup_restore(&sv, &rin, &res), FC_OK);
    assert_int_equal(res.status, 422);
    assert_string_equal(res.field, "folder");

    assert_int_not_equal(fc_svc_instance_list(&sv, &lin, &list, &res), FC_OK);
    assert_true(fc_svc_is_not_configured(&res));
    assert_non_null(strstr(res.message, "AWS_ACCESS_KEY_ID"));
    assert_null(strstr(res.message, "169.254"));
    fc_svc_instance_list_free(&list);
    lin.state = "melting";
    assert_int_not_equal(fc_svc_instance_list(&sv, &lin, &list, &res), FC_OK);
    assert_int_equal(res.status, 400);
    assert_string_equal(res.field, "state");
    fc_svc_instance_list_free(&list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_role_checked_in_the_service),
        cmocka_unit_test(test_account_actions),
        cmocka_unit_test(test_users_and_health),
        cmocka_unit_test(test_not_configured),
    };
    return cmocka_run_group_tests_name("svc_admin", tests, setup, teardown);
}
