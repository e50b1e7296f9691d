/* route table: every URL forkcast answers, with its method, handler and requirements. */
#include "core/route.h"
#include "pages/pages.h"

static const struct fc_route pages[] = {
    {"GET", "/", page_home, FC_ROUTE_CACHE},
    {"GET", "/healthz", page_healthz, 0},
    {"GET", "/signup", page_signup_form, 0},
    {"POST", "/signup", page_signup, 0},
    {"GET", "/login", page_login_form, 0},
    {"POST", "/login", page_login, 0},
    {"POST", "/logout", page_logout, 0},
    {"GET", "/u/:username", page_profile, FC_ROUTE_CACHE},
    {"GET", "/u/:username/edit", page_profile_edit_form, FC_ROUTE_LOGIN},
    {"POST", "/u/:username/edit", page_profile_edit, FC_ROUTE_LOGIN | FC_ROUTE_PHOTO},
    {"GET", "/u/:username/avatar", page_avatar, 0},
    {"GET", "/restaurants", page_restaurants, FC_ROUTE_CACHE},
    {"GET", "/restaurants/:id", page_restaurant, FC_ROUTE_CACHE},
    {"GET", "/restaurants/:id/tile.svg", page_tile, 0},
    {"POST", "/restaurants/:id/review", page_review_post, FC_ROUTE_LOGIN | FC_ROUTE_PHOTO},
    {"POST", "/restaurants/:id/:action", page_save, FC_ROUTE_LOGIN},
    {"POST", "/reviews/:id/edit", page_review_edit, FC_ROUTE_LOGIN | FC_ROUTE_PHOTO},
    {"GET", "/reviews/:id/delete", page_review_delete_confirm, FC_ROUTE_LOGIN},
    {"POST", "/reviews/:id/delete", page_review_delete, FC_ROUTE_LOGIN},
    {"GET", "/photos/:key", page_photo, 0},
    {"GET", "/saved", page_saved, FC_ROUTE_LOGIN | FC_ROUTE_CACHE},
    {"GET", "/friends", page_friends, FC_ROUTE_LOGIN | FC_ROUTE_CACHE},
    {"GET", "/friends/recommend", page_friends_recommend, FC_ROUTE_LOGIN},
    {"GET", "/friends/:action", page_friend_confirm, FC_ROUTE_LOGIN},
    {"POST", "/friends/:action", page_friend_action, FC_ROUTE_LOGIN},
    {"GET", "/feed", page_feed, FC_ROUTE_LOGIN | FC_ROUTE_CACHE},
};

/* A cached restaurant page still logs the view for the recommender, as a rendered one does. */
const struct fc_route_hit fc_route_hits[] = {
    {"/restaurants/:id", page_restaurant_hit},
    {NULL, NULL},
};

static const struct fc_route_group pages_group = {pages, sizeof pages / sizeof pages[0]};

/* Page families that keep their table beside their handlers. */
extern const struct fc_route_group fc_admin_group;     /* pages/admin.c */
extern const struct fc_route_group fc_api_group;       /* pages/api.c */
extern const struct fc_route_group fc_instances_group; /* pages/instances.c */
extern const struct fc_route_group fc_backups_group;   /* pages/backups.c */
extern const struct fc_route_group fc_account_group;   /* pages/account_cognito.c */
extern const struct fc_route_group fc_talk_group;      /* pages/talk.c */

const struct fc_route_group *const fc_route_groups[] = {
    &pages_group,      &fc_admin_group,   &fc_api_group,  &fc_instances_group,
    &fc_backups_group, &fc_account_group, &fc_talk_group, NULL};

/* Names of the groups above, in the same order (for `forkcast routes`). */
const char *const fc_route_group_names[] = {"pages",   "admin",   "api",  "instances",
                                            "backups", "account", "talk", NULL};
