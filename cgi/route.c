/* route table: every URL forkcast answers, with its method, handler and requirements. */
#include "core/route.h"
#include "pages/pages.h"

const struct fc_route fc_routes[] = {
    {"GET", "/", page_home, 0},
    {"GET", "/healthz", page_healthz, 0},
    {"GET", "/signup", page_signup_form, 0},
    {"POST", "/signup", page_signup, 0},
    {"GET", "/login", page_login_form, 0},
    {"POST", "/login", page_login, 0},
    {"POST", "/logout", page_logout, 0},
    {"GET", "/u/:username", page_profile, 0},
    {"GET", "/u/:username/edit", page_profile_edit_form, FC_ROUTE_LOGIN},
    {"POST", "/u/:username/edit", page_profile_edit, FC_ROUTE_LOGIN},
    {"GET", "/restaurants", page_restaurants, 0},
    {"GET", "/restaurants/:id", page_restaurant, 0},
};

const size_t fc_routes_len = sizeof fc_routes / sizeof fc_routes[0];
