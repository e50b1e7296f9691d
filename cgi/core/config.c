/* config: one HDF file of settings, each overridable by a FORKCAST_* environment variable. */
#include "core/config.h"
#include "core/util.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fc_config_env_name(const char *key, char *out, size_t n)
{
    size_t i = 0;
    const char *prefix = "FORKCAST_";
    for (; *prefix && i + 1 < n; prefix++)
        out[i++] = *prefix;
    for (; *key && i + 1 < n; key++)
        out[i++] = *key == '.' ? '_' : (char)toupper((unsigned char)*key);
    out[i] = '\0';
}

/* Refuses links (key : other.key) and nesting deeper than 32 levels. ClearSilver follows links
 * without looking for loops (z : z recurses until the stack ends), and the configuration has
 * no use for them; the walk reads the tree's own fields so that it never follows one. */
static NEOERR *check_tree(HDF *node, int depth)
{
    for (HDF *c = node->child; c; c = c->next) {
        NEOERR *err;
        if (c->link)
            return nerr_raise(NERR_PARSE,
                              "configuration: %.64s is a link (key : other.key), "
                              "which is not supported",
                              c->name ? c->name : "?");
        if (depth >= 32 && c->child)
            return nerr_raise(NERR_PARSE, "configuration: keys nested more than 32 deep");
        if ((err = check_tree(c, depth + 1)))
            return nerr_pass(err);
    }
    return STATUS_OK;
}

/* Walks every leaf under node and replaces its value with the environment's, if set. */
static NEOERR *apply_env(HDF *root, HDF *node, const char *prefix)
{
    NEOERR *err = STATUS_OK;
    for (HDF *c = hdf_obj_child(node); c; c = hdf_obj_next(c)) {
        char key[256], env[300];
        const char *v;
        int n = prefix ? snprintf(key, sizeof key, "%s.%s", prefix, hdf_obj_name(c))
                       : snprintf(key, sizeof key, "%s", hdf_obj_name(c));
        if (n < 0 || (size_t)n >= sizeof key)
            return nerr_raise(NERR_PARSE, "configuration key %.64s... is too long", key);
        if (hdf_obj_child(c)) {
            err = apply_env(root, c, key);
            if (err)
                return nerr_pass(err);
            continue;
        }
        fc_config_env_name(key, env, sizeof env);
        v = getenv(env);
        if (v) {
            err = hdf_set_value(root, key, v);
            if (err)
                return nerr_pass(err);
        }
    }
    return err;
}

NEOERR *fc_config_load(HDF **out, const char *path)
{
    NEOERR *err;
    HDF *cfg = NULL;
    char abs[PATH_MAX], root[PATH_MAX];
    char *slash;

    if (!path)
        path = getenv("FORKCAST_CONFIG");
    if (!path)
        path = "conf/forkcast.hdf";
    if (!realpath(path, abs))
        return nerr_raise(NERR_NOT_FOUND, "config file %s not found", path);
    err = hdf_init(&cfg);
    if (err)
        goto out;
    err = hdf_read_file(cfg, abs);
    if (err)
        goto out;
    err = check_tree(cfg, 0);
    if (err)
        goto out;
    err = apply_env(cfg, cfg, NULL);
    if (err)
        goto out;
    /* Root: the folder above conf/ */
    fc_strlcpy(root, abs, sizeof root);
    for (int i = 0; i < 2; i++) {
        slash = strrchr(root, '/');
        if (slash && slash != root)
            *slash = '\0';
    }
    err = hdf_set_value(cfg, "Root", getenv("FORKCAST_ROOT") ? getenv("FORKCAST_ROOT") : root);
    if (err)
        goto out;
    err = hdf_set_value(cfg, "ConfigFile", abs);
out:
    if (err) {
        hdf_destroy(&cfg);
        return nerr_pass(err);
    }
    *out = cfg;
    return STATUS_OK;
}

int fc_config_int(HDF *cfg, const char *key, int def)
{
    return hdf_get_int_value(cfg, key, def);
}

const char *fc_config_str(HDF *cfg, const char *key, const char *def)
{
    return hdf_get_value(cfg, key, def);
}

int fc_config_path(HDF *cfg, const char *key, const char *def, char *out, size_t n)
{
    const char *v = hdf_get_value(cfg, key, def);
    int r;
    if (!v || !*v)
        return FC_ERR;
    if (v[0] == '/')
        r = snprintf(out, n, "%s", v);
    else
        r = snprintf(out, n, "%s/%s", hdf_get_value(cfg, "Root", "."), v);
    return r < 0 || (size_t)r >= n ? FC_ERR : FC_OK;
}

int fc_config_remove(HDF *hdf, const char *name)
{
    char path[512];
    const char *dot = strrchr(name, '.');
    HDF *parent = hdf, *last;
    NEOERR *err;
    if (dot) {
        size_t n = (size_t)(dot - name);
        if (n >= sizeof path)
            return FC_ERR;
        memcpy(path, name, n);
        path[n] = '\0';
        parent = hdf_get_obj(hdf, path);
        if (!parent)
            return FC_OK;
    }
    err = hdf_remove_tree(hdf, name);
    if (err) {
        nerr_log_error(err);
        nerr_ignore(&err);
        return FC_ERR;
    }
    parent->last_hp = NULL;
    parent->last_hs = NULL;
    for (last = parent->child; last && last->next; last = last->next)
        ;
    parent->last_child = last;
    return FC_OK;
}

int fc_config_data_path(HDF *cfg, const char *key, const char *under, char *out, size_t n)
{
    const char *v = hdf_get_value(cfg, key, "");
    char dir[PATH_MAX];
    int r;
    if (v && *v)
        return fc_config_path(cfg, key, NULL, out, n);
    if (fc_config_path(cfg, "Data.Dir", "var", dir, sizeof dir))
        return FC_ERR;
    r = snprintf(out, n, "%s/%s", dir, under);
    return r < 0 || (size_t)r >= n ? FC_ERR : FC_OK;
}
