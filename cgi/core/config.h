/* config: loads conf/forkcast.hdf and applies FORKCAST_* environment overrides. */
#ifndef FC_CONFIG_H
#define FC_CONFIG_H

#include <ClearSilver.h>

/* Finds the configuration file: path (--config) if given, else $FORKCAST_CONFIG if set (a
 * named file is used or refused, never passed over), else the first readable of
 * ./conf/forkcast.hdf (a checkout), PREFIX/etc/forkcast/forkcast.hdf beside this program
 * (PREFIX/bin/forkcast), /etc/forkcast/forkcast.hdf (the Debian package). Writes its
 * absolute path into out; FC_OK, else FC_NOTFOUND with the places looked at in tried
 * ("a, b, c"), or FC_ERR when the path does not fit in n bytes. */
int fc_config_find(const char *path, char *out, size_t n, char *tried, size_t tried_len);
/* Loads the file fc_config_find finds, then overrides every key for which FORKCAST_<KEY> is set
 * (dots become underscores, upper case). Records Root, against which relative paths resolve:
 * the file's Root key (relative to the file's folder), else the parent of the file's folder
 * (a checkout's conf/), $FORKCAST_ROOT over both; and ConfigFile, the file's absolute path. */
NEOERR *fc_config_load(HDF **out, const char *path);
/* Integer value of key, or def. */
int fc_config_int(HDF *cfg, const char *key, int def);
/* String value of key, or def. */
const char *fc_config_str(HDF *cfg, const char *key, const char *def);
/* Absolute path for a path-valued key (relative values are taken from Root) into out. */
int fc_config_path(HDF *cfg, const char *key, const char *def, char *out, size_t n);
/* Like fc_config_path, but an empty value means Data.Dir/under (e.g. "blobs"). */
int fc_config_data_path(HDF *cfg, const char *key, const char *under, char *out, size_t n);
/* Removes the subtree at name (nothing when absent); FC_OK or FC_ERR. Use it instead of
 * hdf_remove_tree: ClearSilver 0.10.5's hdf_remove_tree leaves the parent's lookup cache (last_hp,
 * last_hs, last_child) pointing at the freed node, and the next hdf_set_value under that parent
 * reads freed memory (valgrind: "Invalid read" in _set_value). */
int fc_config_remove(HDF *hdf, const char *name);
/* The environment variable name for a config key: Server.Port -> FORKCAST_SERVER_PORT. */
void fc_config_env_name(const char *key, char *out, size_t n);

#endif
