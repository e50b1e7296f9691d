/* pages: the page handlers the route table points at, and helpers they share. */
#ifndef FC_PAGES_H
#define FC_PAGES_H

#include "core/app.h"

int page_home(struct fc_ctx *c);
int page_healthz(struct fc_ctx *c);
int page_signup_form(struct fc_ctx *c);
int page_signup(struct fc_ctx *c);
int page_login_form(struct fc_ctx *c);
int page_login(struct fc_ctx *c);
int page_logout(struct fc_ctx *c);
int page_profile(struct fc_ctx *c);
int page_profile_edit_form(struct fc_ctx *c);
int page_profile_edit(struct fc_ctx *c);
int page_restaurants(struct fc_ctx *c);
int page_restaurant(struct fc_ctx *c);
/* The restaurant page's work when its page comes from the page cache: the view it logs. */
int page_restaurant_hit(struct fc_ctx *c);
int page_friends(struct fc_ctx *c);
int page_friend_action(struct fc_ctx *c);
/* pages/account_cognito.c: 303 to the confirm page for username, with a flash message (sign-up
 * and log-in of an account that is not confirmed yet). Returns 0. Its routes (confirm a
 * sign-up, forgot password, change password) are fc_account_group. */
int pages_to_confirm(struct fc_ctx *c, const char *username, const char *flash);
/* pages/reset.c: password reset links on the web (svc/reset.c). POST
 * /admin/users/:username/reset-link: the link, shown once. */
int pages_admin_reset_link(struct fc_ctx *c);
/* 1 when /forgot mails links (local accounts with Mail.SMTP.* set); then these answer it. */
int pages_forgot_by_mail(struct fc_ctx *c);
int pages_forgot_mail_form(struct fc_ctx *c);
int pages_forgot_mail(struct fc_ctx *c);
/* GET and POST /reset?token=... */
int page_reset_form(struct fc_ctx *c);
int page_reset(struct fc_ctx *c);
/* pages/confirm.c: the confirmation pages of unfriend, block and a review's deletion. */
int page_friend_confirm(struct fc_ctx *c);
int page_review_delete_confirm(struct fc_ctx *c);
int page_review_post(struct fc_ctx *c);
int page_review_edit(struct fc_ctx *c);
int page_review_delete(struct fc_ctx *c);
int page_photo(struct fc_ctx *c);
int page_save(struct fc_ctx *c);
int page_saved(struct fc_ctx *c);
int page_feed(struct fc_ctx *c);
int page_friends_recommend(struct fc_ctx *c);

/* The restaurant page (log_view: a logged-in view goes to the interaction log). */
int pages_restaurant_view(struct fc_ctx *c, int64_t id, int log_view);
/* Puts a review under prefix. */
void pages_set_review(struct fc_ctx *c, const char *prefix, const struct fc_review_row *rv);
/* Puts a date as prefix (YYYY-MM-DD) and prefix.Iso. */
void pages_set_date(struct fc_ctx *c, const char *prefix, int64_t at);
/* Puts a month of visit "YYYY-MM" as prefix and prefix.Text ("March 2026"); nothing for "". */
void pages_set_month(struct fc_ctx *c, const char *prefix, const char *ym);
/* Puts the current month (UTC) "YYYY-MM" as name (the latest month of a visit). */
void pages_set_month_now(struct fc_ctx *c, const char *name);
/* Recommendations for the logged-in user under prefix.N (restaurant + Why); *reviews (when
 * not NULL) their review count, -1 when unknown (read with the ratings the picks need). */
int pages_set_recommendations(struct fc_ctx *c, const char *prefix, size_t n, int *reviews);
/* "More like this" for a restaurant under prefix.N. */
int pages_set_similar(struct fc_ctx *c, const char *prefix, int64_t item, size_t n);

/* Puts a restaurant's fields under prefix (e.g. "Restaurant" or "Results.3"). */
void pages_set_restaurant(struct fc_ctx *c, const char *prefix, const struct fc_restaurant *r);
/* Puts a restaurant friends recommend (Id, Name, City, Friends, Avg, AvgRounded, Who) under
 * prefix ("Friends recommend" and the home page's trending list); returns its node. */
HDF *pages_set_friend_rec(struct fc_ctx *c, const char *prefix, const struct fc_friend_rec *r);
/* Puts a user's public profile fields under prefix. */
void pages_set_user(struct fc_ctx *c, const char *prefix, const struct fc_user *u);
/* Splits a comma-separated list into prefix.0, prefix.1, ... */
void pages_set_list(struct fc_ctx *c, const char *prefix, const char *csv);
/* The HDF node at prefix (made when missing; NULL when that fails, logged), and values set
 * under it by a name relative to it: a record's fields without walking the prefix from the
 * root for each one. Setting under NULL does nothing. */
HDF *pages_node(struct fc_ctx *c, const char *prefix);
void pages_node_set(HDF *n, const char *name, const char *value);
void pages_node_int(HDF *n, const char *name, long long v);
/* pages_set_date and pages_set_month under n. */
void pages_node_date(HDF *n, const char *name, int64_t at);
void pages_node_month(HDF *n, const char *name, const char *ym);
/* The likes and comments of the reviews ids[0..n) (by authors[0..n)) listed under
 * prefix.slots[i] (slots NULL: prefix.i) (pages/talk.c): counts with one read, and with
 * restaurant_id the comments the viewer may see under prefix.N.Thread (the restaurant page;
 * the feed links there). back: the page's path, where the forms come back to. A failure is
 * in res, for fc_error_result. */
int pages_set_talk(struct fc_ctx *c, const char *prefix, const int64_t *ids, const int64_t *authors,
                   const int *slots, int n, int64_t restaurant_id, const char *back,
                   struct fc_svc_result *res);
struct fc_svc_search_in;
struct fc_svc_search_out;
struct fc_svc_origin;
/* The restaurant search of the query string (q, cuisine, price, city, page, sort, near, open,
 * open_at) into in and out, with the origin of distances (near, or the viewer's city) and by,
 * the sort's own point (a nearest sort's distances are from it): the list page and GET
 * /api/v1/restaurants search alike; facets 1: the filters' choices too (out's cuisines and
 * cities). A failure is in res (out then needs no freeing). */
int pages_search(struct fc_ctx *c, int facets, struct fc_svc_search_in *in,
                 struct fc_svc_search_out *out, struct fc_svc_origin *origin,
                 struct fc_svc_origin *by, struct fc_svc_result *res);
/* A numbered list's pager under prefix: Total, Page, Pages, First and Last (the rows shown,
 * counted from 1) and Prev and Next where there is such a page (the restaurant search, the
 * admin's list of users). */
void pages_set_pager(struct fc_ctx *c, const char *prefix, long total, long page, long pages,
                     long first, long last);
/* Sets each string of l as prefix.0, prefix.1... */
void pages_set_strlist(struct fc_ctx *c, const char *prefix, const struct fc_strlist *l);
/* The i-th path argument (":id") as a positive id, or 0. */
int64_t pages_arg_id(struct fc_ctx *c, int i);
/* Form.<name> for each of names[0..n): what was typed, for the form shown again. */
void pages_form_keep(struct fc_ctx *c, const char *const *names, size_t n);
/* Page.Title and Form.MinLength (fc_auth_password_min): a page with a new-password field
 * (sign-up, change password, forgot password, a reset link). */
void pages_set_password_form(struct fc_ctx *c, const char *title);
struct fc_auth_error;
/* Renders the form tpl again with status and err on its field (Form.Errors.<field>) or on the
 * whole form (Form.Error). */
int pages_form_error(struct fc_ctx *c, int status, const char *tpl,
                     const struct fc_auth_error *err);
/* A local path that is safe to redirect to after log-in, or "/". */
const char *pages_safe_next(const char *next);

/* Pictures and the map (pages/visual.c). */
int page_tile(struct fc_ctx *c);
int page_avatar(struct fc_ctx *c);
/* 1 when the request's If-None-Match names the ETag "key" (or is "*"). */
int pages_etag_fresh(struct fc_ctx *c, const char *key);
/* Answers a photo of the blob store (a review's, an avatar): "private, no-cache" (who may see it
 * changes) with its content-addressed key as the ETag; a 304 when data is NULL, else the bytes
 * (data freed). */
int pages_send_photo(struct fc_ctx *c, const char *key, char *data, size_t len);
struct fc_review_row;
/* prefix.Km and prefix.KmFrom ("the centre of X", "the chosen point") when o and r have a
 * position. */
void pages_set_distance(struct fc_ctx *c, const char *prefix, const struct fc_svc_origin *o,
                        const struct fc_restaurant *r);
/* Map.*: rows[0..n) projected for templates/map.cs (here: the id to mark, or 0), each with its
 * distance from o (or NULL); nothing when none has coordinates. */
int pages_set_map(struct fc_ctx *c, const struct fc_restaurant *rows, int n, int64_t here,
                  const struct fc_svc_origin *o);
/* Gallery.N: the photos among the reviews rows[0..n) (those the viewer may see). */
void pages_set_gallery(struct fc_ctx *c, const struct fc_review_row *rows, int n);

#endif
