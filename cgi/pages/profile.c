/* pages/profile: view a profile; edit your own (anyone else's is a 403). What may be shown and
 * what an edit may change are svc/profiles.c's answers; this page only renders them. */
#include "core/util.h"
#include "core/config.h"
#include "pages/pages.h"
#include "svc/profiles.h"
#include "svc/visual.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REVIEW_MAX 100

int page_profile(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_svc_profile p;
    struct fc_review_row *rows = NULL;
    int n = 0, status = 500;

    memset(&p, 0, sizeof p);
    rows = malloc(REVIEW_MAX * sizeof *rows);
    if (!rows)
        goto out;
    /* the profile, its reviews and their count */
    if (fc_svc_profile_page(&sv, c->args[0], &p, rows, REVIEW_MAX, &n, &res)) {
        status = fc_error_result(c, &res);
        goto out;
    }
    fc_setf(c, "Page.Title", "%s", p.user.display_name[0] ? p.user.display_name : p.user.username);
    fc_set_int(c, "Profile.Self", p.self);
    fc_set(c, "Profile.Username", p.user.username);
    fc_set(c, "Profile.Name", p.user.display_name[0] ? p.user.display_name : p.user.username);
    fc_set_int(c, "Profile.Friend", (p.rel & FC_REL_FRIEND) != 0);
    fc_set_int(c, "Profile.RequestOut", (p.rel & FC_REL_REQ_OUT) != 0);
    fc_set_int(c, "Profile.RequestIn", (p.rel & FC_REL_REQ_IN) != 0);
    fc_set_int(c, "Profile.Blocked", (p.rel & FC_REL_BLOCKED) != 0);
    if (c->logged_in && !p.self)
        fc_set_int(c, "Profile.Mutual", p.mutual);
    if (!(p.fields & FC_FIELD_PROFILE)) {
        fc_set_int(c, "Profile.Hidden", 1);
        status = fc_render(c, "profile.cs") ? 500 : 0;
        goto out;
    }
    pages_set_user(c, "Profile", &p.user);
    if (!(p.fields & FC_FIELD_REVIEWS)) {
        status = fc_render(c, "profile.cs") ? 500 : 0;
        goto out;
    }
    fc_set_int(c, "Profile.ReviewCount", p.review_count);
    for (int i = 0; i < n; i++) {
        char k[32];
        snprintf(k, sizeof k, "Reviews.%d", i);
        pages_set_review(c, k, &rows[i]);
    }
    status = fc_render(c, "profile.cs") ? 500 : 0;
out:
    fc_review_rows_free(rows, n);
    fc_user_clear(&p.user);
    return status;
}

/* Cuisine choices for the form, checked when chosen (comma-separated) has them. */
static int set_choices(struct fc_ctx *c, const struct fc_strlist *ch, const char *chosen)
{
    char k[64];
    for (size_t i = 0; i < ch->n; i++) {
        const char *v = ch->v[i];
        size_t n = strlen(v);
        snprintf(k, sizeof k, "Choices.Cuisines.%zu", i);
        fc_set(c, k, v);
        for (const char *p = chosen; (p = strstr(p, v)); p += n)
            if ((p == chosen || p[-1] == ',') && (p[n] == ',' || p[n] == '\0')) {
                snprintf(k, sizeof k, "Choices.Cuisines.%zu.Checked", i);
                fc_set(c, k, "1");
                break;
            }
    }
    return FC_OK;
}

/* The form for u, with the field error of res when it has one (status 422). */
static int render_edit(struct fc_ctx *c, const struct fc_user *u, const char *checked,
                       const struct fc_svc_result *refused)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_strlist ch;
    fc_set(c, "Page.Title", "Edit your profile");
    pages_set_user(c, "Form", u);
    fc_set_int(c, "Form.SavesPrivate", u->saves_private);
    if (fc_svc_profile_cuisines(&sv, &ch, &res))
        return fc_error_result(c, &res);
    set_choices(c, &ch, checked);
    fc_strlist_free(&ch);
    {
        struct fc_svc_avatar a;
        char *none = NULL;
        size_t len = 0;
        if (fc_svc_avatar(&sv, u->username, 0, &a, &none, &len, &res))
            return fc_error_result(c, &res);
        fc_set_int(c, "Form.AvatarPhoto", a.has_photo);
    }
    if (refused) {
        char k[64];
        snprintf(k, sizeof k, "Form.Errors.%s", refused->field);
        fc_set(c, k, refused->message);
        c->resp.status = refused->status;
    }
    return fc_render(c, "profile_edit.cs") ? 500 : 0;
}

int page_profile_edit_form(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_user u;
    int status;
    if (fc_svc_profile_own(&sv, c->args[0], &u, &res))
        status = fc_error_result(c, &res);
    else
        status = render_edit(c, &u, u.cuisines, NULL);
    fc_user_clear(&u);
    return status;
}

/* The form's picture: a new photo (the file part "photo"), or "remove_photo" for the
 * initials again; nothing when neither. */
static int avatar_form(struct fc_ctx *c, const struct fc_svc *sv, struct fc_svc_result *res)
{
    const struct fc_param *photo = fc_param_get(&c->req.form, "photo");
    fc_svc_ok(res, 200);
    if (c->args[0][0] && strcmp(c->args[0], c->user.username) != 0)
        return FC_OK; /* someone else's profile: fc_svc_profile_edit says no */
    if (photo && photo->filename && photo->len > 0)
        return fc_svc_avatar_set(sv, photo->value, photo->len, res);
    if (*fc_form(c, "remove_photo"))
        return fc_svc_avatar_remove(sv, res);
    return FC_OK;
}

int page_profile_edit(struct fc_ctx *c)
{
    struct fc_svc sv = fc_app_svc(c);
    struct fc_svc_result res;
    struct fc_svc_profile_edit in = {
        .display_name = fc_form(c, "display_name"),
        .bio = fc_form(c, "bio"),
        .city = fc_form(c, "city"),
        .price = fc_form(c, "price"),
        .visibility = fc_form(c, "visibility"),
        .set_cuisines = 1,
        .set_saves_private = 1,
        .saves_private = *fc_form(c, "saves_private") != '\0',
    };
    const char **cuisines = calloc(c->req.form.n + 1, sizeof *cuisines);
    char checked[FC_SVC_CUISINES_MAX] = "";
    struct fc_user u;
    int status;

    if (!cuisines)
        return 500;
    for (size_t i = 0; i < c->req.form.n; i++) {
        const struct fc_param *p = &c->req.form.v[i];
        if (strcmp(p->name, "cuisine") != 0)
            continue;
        cuisines[in.ncuisines++] = p->value;
        if (strlen(checked) + strlen(p->value) + 2 < sizeof checked) {
            if (checked[0])
                strcat(checked, ",");
            strcat(checked, p->value);
        }
    }
    in.cuisines = cuisines;
    /* the picture first: a refused one leaves the whole form unsaved */
    if (avatar_form(c, &sv, &res) && res.field) {
        struct fc_svc_result own;
        if (fc_svc_profile_own(&sv, c->args[0], &u, &own) == FC_OK)
            status = render_edit(c, &u, checked, &res);
        else
            status = fc_error_result(c, &own);
        fc_user_clear(&u);
        free(cuisines);
        return status;
    } else if (!FC_SVC_OK(&res)) {
        free(cuisines);
        return fc_error_result(c, &res);
    }
    if (fc_svc_profile_edit(&sv, c->args[0], &in, &u, &res)) {
        /* a field refused: the form again with what was sent and the field's error */
        status = res.field ? render_edit(c, &u, checked, &res) : fc_error_result(c, &res);
    } else {
        char to[128];
        snprintf(to, sizeof to, "/u/%s", u.username);
        status = fc_redirect(c, to, "Profile saved.");
    }
    fc_user_clear(&u);
    free(cuisines);
    return status;
}
