/* config: one HDF file of settings, found like other Unix programs find theirs, each key
 * overridable by a FORKCAST_* environment variable. */
#include "core/config.h"
#include "core/util.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Walks every key with a value under node and replaces it with the environment's, if set. */
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
            if (!hdf_obj_value(c)) /* a key with a value and keys under it (Rec.Snapshot) */
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

/* The installed configuration of a package (make deb: PREFIX=/usr, the file in /etc). */
#define FC_SYSTEM_CONFIG "/etc/forkcast/forkcast.hdf"

/* The configuration of an install beside this program: PREFIX/bin/forkcast reads
 * PREFIX/etc/forkcast/forkcast.hdf, wherever PREFIX is (DESTDIR included). */
static int beside_program(char *out, size_t n)
{
    char exe[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash;
    int r;

    if (k <= 0)
        return FC_ERR;
    exe[k] = '\0';
    for (int i = 0; i < 2; i++) /* drop the program's name, then bin/ */
        if ((slash = strrchr(exe, '/')))
            *slash = '\0';
    r = snprintf(out, n, "%s/etc/forkcast/forkcast.hdf", exe);
    return r < 0 || (size_t)r >= n ? FC_ERR : FC_OK;
}

int fc_config_find(const char *explicit_path, char *out, size_t n, char *tried, size_t tried_len)
{
    const char *env = getenv("FORKCAST_CONFIG");
    char beside[PATH_MAX];
    const char *cands[3];
    size_t nc = 0, used = 0;

    if (tried_len)
        tried[0] = '\0';
    /* named ones are used or refused, never passed over for another */
    if (explicit_path || (env && *env)) {
        const char *p = explicit_path ? explicit_path : env;
        char abs[PATH_MAX];
        snprintf(tried, tried_len, "%s (%s)", p, explicit_path ? "--config" : "FORKCAST_CONFIG");
        if (!realpath(p, abs))
            return FC_NOTFOUND;
        if (strlen(abs) >= n)
            return FC_ERR;
        fc_strlcpy(out, abs, n);
        return FC_OK;
    }
    cands[nc++] = "conf/forkcast.hdf";
    if (beside_program(beside, sizeof beside) == FC_OK)
        cands[nc++] = beside;
    cands[nc++] = FC_SYSTEM_CONFIG;
    for (size_t i = 0; i < nc; i++) {
        char abs[PATH_MAX];
        int k;
        if (i > 0 && strcmp(cands[i], cands[i - 1]) == 0)
            continue;
        if (realpath(cands[i], abs) && access(abs, R_OK) == 0) {
            if (strlen(abs) >= n)
                return FC_ERR;
            fc_strlcpy(out, abs, n);
            return FC_OK;
        }
        k = snprintf(tried + used, tried_len - used, "%s%s", used ? ", " : "",
                     i == 0 ? "./conf/forkcast.hdf" : cands[i]);
        if (k > 0 && (size_t)k < tried_len - used)
            used += (size_t)k;
    }
    return FC_NOTFOUND;
}

/* Root: the key Root of the file (relative to the file's folder), else the folder above the
 * file's folder (a checkout: ROOT/conf/forkcast.hdf). FORKCAST_ROOT overrides both. */
static NEOERR *set_root(HDF *cfg, const char *abs)
{
    const char *r = getenv("FORKCAST_ROOT");
    char dir[PATH_MAX], root[PATH_MAX], *slash;

    if (r && *r)
        return hdf_set_value(cfg, "Root", r);
    fc_strlcpy(dir, abs, sizeof dir);
    if ((slash = strrchr(dir, '/')) && slash != dir)
        *slash = '\0';
    r = hdf_get_value(cfg, "Root", NULL);
    if (r && *r) {
        int k = r[0] == '/' ? snprintf(root, sizeof root, "%s", r)
                            : snprintf(root, sizeof root, "%s/%s", dir, r);
        char canon[PATH_MAX];
        if (k < 0 || (size_t)k >= sizeof root)
            return nerr_raise(NERR_PARSE, "configuration: Root is too long");
        /* a Root that does not exist is reported by whoever uses it, with its path */
        return hdf_set_value(cfg, "Root", realpath(root, canon) ? canon : root);
    }
    if ((slash = strrchr(dir, '/')) && slash != dir)
        *slash = '\0';
    return hdf_set_value(cfg, "Root", dir);
}

NEOERR *fc_config_load(HDF **out, const char *path)
{
    NEOERR *err;
    HDF *cfg = NULL;
    char abs[PATH_MAX], tried[1024];

    if (fc_config_find(path, abs, sizeof abs, tried, sizeof tried) != FC_OK)
        return nerr_raise(NERR_NOT_FOUND, "no configuration file: looked for %s", tried);
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
    err = set_root(cfg, abs);
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
