/* pages/profile: view a profile; edit your own (anyone else's is a 403). */
#include "core/util.h"
#include "core/config.h"
#include "pages/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int load_user(struct fc_ctx *c, struct fc_user *u)
{
    struct fc_store *s = c->app->store;
    int rc = s->ops->user_by_name(s, c->args[0], u);
    if (rc == FC_NOTFOUND || (rc == FC_OK && u->disabled && !(c->logged_in && c->user.is_admin)))
        return 404;
    return rc ? 500 : 0;
}

int page_profile(struct fc_ctx *c)
{
    struct fc_store *s = c->app->store;
    struct fc_user u;
    struct fc_review_row *rows = NULL;
    int rc = load_user(c, &u), count = 0, self, rel = 0, n = 0, status = 500;
    unsigned fields;
    if (rc)
        return rc;
    self = c->logged_in && c->user.id == u.id;
    if (c->logged_in && !self && s->ops->relation(s, c->user.id, u.id, &rel))
        return 500;
    if (rel & FC_REL_BLOCKED_BY)
        return 404; /* a blocked user can't see the blocker */
    fc_setf(c, "Page.Title", "%s", u.display_name[0] ? u.display_name : u.username);
    fc_set_int(c, "Profile.Self", self);
    fc_set(c, "Profile.Username", u.username);
    fc_set(c, "Profile.Name", u.display_name[0] ? u.display_name : u.username);
    fc_set_int(c, "Profile.Friend", (rel & FC_REL_FRIEND) != 0);
    fc_set_int(c, "Profile.RequestOut", (rel & FC_REL_REQ_OUT) != 0);
    fc_set_int(c, "Profile.RequestIn", (rel & FC_REL_REQ_IN) != 0);
    fc_set_int(c, "Profile.Blocked", (rel & FC_REL_BLOCKED) != 0);
    if (c->logged_in && !self) {
        int mutual = 0;
        if (s->ops->mutual_count(s, c->user.id, u.id, &mutual))
            return 500;
        fc_set_int(c, "Profile.Mutual", mutual);
    }
    fields = fc_store_profile_fields(c->logged_in ? c->user.id : 0, u.id, u.visibility, rel);
    if (!(fields & FC_FIELD_PROFILE)) {
        fc_set_int(c, "Profile.Hidden", 1);
        return fc_render(c, "profile.cs") ? 500 : 0;
    }
    fc_store_user_redact(&u, fields);
    pages_set_user(c, "Profile", &u);
    if (!(fields & FC_FIELD_REVIEWS))
        return fc_render(c, "profile.cs") ? 500 : 0;
    if (s->ops->review_count_user(s, u.id, &count) == FC_OK)
        fc_set_int(c, "Profile.ReviewCount", count);
    rows = calloc(100, sizeof *rows);
    if (!rows || s->ops->reviews_by_user(s, u.id, c->logged_in ? c->user.id : 0, rows, 100, &n))
        goto out;
    for (int i = 0; i < n; i++) {
        char p[32];
        snprintf(p, sizeof p, "Reviews.%d", i);
        pages_set_review(c, p, &rows[i]);
    }
    status = fc_render(c, "profile.cs") ? 500 : 0;
out:
    free(rows);
    return status;
}

/* Cuisine choices for the form: every cuisine a restaurant has, checked if the user has it. */
static int set_choices(struct fc_ctx *c, const char *chosen)
{
    HDF *node = NULL;
    NEOERR *err = hdf_get_node(c->hdf, "Choices.Cuisines", &node);
    if (err) {
        nerr_ignore(&err);
        return FC_ERR;
    }
    if (c->app->store->ops->rest_facets(c->app->store, node, NULL))
        return FC_ERR;
    for (HDF *ch = hdf_obj_child(node); ch; ch = hdf_obj_next(ch)) {
        const char *v = hdf_obj_value(ch);
        size_t n = strlen(v);
        for (const char *p = chosen; (p = strstr(p, v)); p += n)
            if ((p == chosen || p[-1] == ',') && (p[n] == ',' || p[n] == '\0')) {
                err = hdf_set_value(ch, "Checked", "1");
                nerr_ignore(&err);
                break;
            }
    }
    return FC_OK;
}

static int render_edit(struct fc_ctx *c, const struct fc_user *u)
{
    fc_set(c, "Page.Title", "Edit your profile");
    pages_set_user(c, "Form", u);
    if (set_choices(c, u->cuisines))
        return 500;
    return fc_render(c, "profile_edit.cs") ? 500 : 0;
}

int page_profile_edit_form(struct fc_ctx *c)
{
    struct fc_user u;
    int rc = load_user(c, &u);
    if (rc)
        return rc;
    if (u.id != c->user.id) {
        fc_set(c, "Error.Message", "You can only edit your own profile.");
        return 403;
    }
    return render_edit(c, &u);
}

/* 1 when value is one of the restaurant cuisines. */
static int known_cuisine(struct fc_ctx *c, const char *v)
{
    HDF *node = hdf_get_obj(c->hdf, "Choices.Cuisines");
    for (HDF *ch = node ? hdf_obj_child(node) : NULL; ch; ch = hdf_obj_next(ch))
        if (strcmp(hdf_obj_value(ch), v) == 0)
            return 1;
    return 0;
}

int page_profile_edit(struct fc_ctx *c)
{
    struct fc_store *s = c->app->store;
    struct fc_user u;
    const char *name = fc_form(c, "display_name"), *bio = fc_form(c, "bio"),
               *city = fc_form(c, "city"), *price = fc_form(c, "price"),
               *vis = fc_form(c, "visibility");
    const char *field = NULL, *msg = NULL;
    char cuisines[sizeof u.cuisines] = "";
    int rc = load_user(c, &u);

    if (rc)
        return rc;
    if (u.id != c->user.id) {
        fc_set(c, "Error.Message", "You can only edit your own profile.");
        return 403;
    }
    if (set_choices(c, ""))
        return 500;
    for (size_t i = 0; i < c->req.form.n; i++) {
        const struct fc_param *p = &c->req.form.v[i];
        if (strcmp(p->name, "cuisine") != 0)
            continue;
        if (!known_cuisine(c, p->value)) {
            field = "cuisines";
            msg = "Choose cuisines from the list";
            break;
        }
        if (strlen(cuisines) + strlen(p->value) + 2 >= sizeof cuisines) {
            field = "cuisines";
            msg = "Too many cuisines";
            break;
        }
        if (cuisines[0])
            strcat(cuisines, ",");
        strcat(cuisines, p->value);
    }
    if (!*name || fc_utf8_len(name) > 60 || strlen(name) >= sizeof u.display_name) {
        field = "display_name";
        msg = "Display name must be 1 to 60 characters";
    } else if (fc_utf8_len(bio) > 1000 || strlen(bio) >= sizeof u.bio) {
        field = "bio";
        msg = "Bio is too long (at most 1000 characters)";
    } else if (fc_utf8_len(city) > 80 || strlen(city) >= sizeof u.city) {
        field = "city";
        msg = "City is too long (at most 80 characters)";
    } else if (*price && strcmp(price, "low") && strcmp(price, "medium") && strcmp(price, "high")) {
        field = "price";
        msg = "Choose a price level from the list";
    } else if (strcmp(vis, "public") && strcmp(vis, "friends")) {
        field = "visibility";
        msg = "Choose who can see your profile";
    }
    fc_strlcpy(u.display_name, name, sizeof u.display_name);
    fc_strlcpy(u.bio, bio, sizeof u.bio);
    fc_strlcpy(u.city, city, sizeof u.city);
    fc_strlcpy(u.price, price, sizeof u.price);
    fc_strlcpy(u.visibility, vis, sizeof u.visibility);
    fc_strlcpy(u.cuisines, cuisines, sizeof u.cuisines);
    if (field) {
        char k[64];
        fc_config_remove(c->hdf, "Choices");
        snprintf(k, sizeof k, "Form.Errors.%s", field);
        fc_set(c, k, msg);
        c->resp.status = 400;
        return render_edit(c, &u);
    }
    if (s->ops->user_update_profile(s, &u))
        return 500;
    {
        char to[128];
        snprintf(to, sizeof to, "/u/%s", u.username);
        return fc_redirect(c, to, "Profile saved.");
    }
}
