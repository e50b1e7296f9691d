/* secret: the site's key (Data.Dir/secret, 32 random bytes), read, or created once for every
 * process that starts at the same time. */
#ifndef FC_SECRET_H
#define FC_SECRET_H

#define FC_SECRET_LEN 32

/* Reads dir/secret into out, or creates it (mode 0600; dir too, mode 0700) when there is none.
 * FC_OK or FC_ERR. */
int fc_secret_load(const char *dir, unsigned char out[FC_SECRET_LEN]);

#endif
