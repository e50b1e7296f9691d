/* secret: the site's key (Data.Dir/secret, 32 random bytes), read, or created once for every
 * process that starts at the same time. */
#ifndef FC_SECRET_H
#define FC_SECRET_H

#define FC_SECRET_LEN 32

#include <stddef.h>

#include <ClearSilver.h>

struct fc_store;

/* Reads dir/secret into out, or creates it (mode 0600; dir too, mode 0700) when there is none.
 * The file appears whole or not at all: 32 random bytes are written and synced to a temporary
 * file in dir, which is then linked to the name; when another process linked its own first
 * (FastCGI processes that start together), that one is read. So every process started on an
 * empty folder gets the same key. A file shorter than 32 bytes is an error (FC_ERR, left as
 * it is). FC_OK or FC_ERR (said on stderr). */
int fc_secret_load(const char *dir, unsigned char out[FC_SECRET_LEN]);

/* Reads exactly the first 32 bytes of dir/secret (continuing short reads). FC_OK, FC_NOTFOUND
 * when there is no such file, FC_ERR. */
int fc_secret_read(const char *dir, unsigned char out[FC_SECRET_LEN]);

/* The site's key, the same on every app host that serves the site, from the first of:
 * Server.Secret (64 hex digits; $FORKCAST_SERVER_SECRET), Server.SecretFile (a file whose
 * first line is 64 hex digits), the store when its data is shared between hosts (DynamoDB:
 * made by the first host to start, read by the others), Data.Dir/secret (one host). Says on
 * stderr which it used ("secret: from Server.Secret"...), never the key. A malformed setting
 * is an error naming it, not a fall-back. FC_OK, FC_ERR, or FC_SECRET_LATER when the key is
 * the store's and the store did not answer (ask again later: no host makes a key of its own
 * meanwhile). */
#define FC_SECRET_LATER 1
int fc_secret_resolve(HDF *cfg, struct fc_store *store, unsigned char out[FC_SECRET_LEN],
                      char *source, size_t source_size);

#endif
