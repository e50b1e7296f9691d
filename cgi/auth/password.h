/* auth/password: scrypt password hashes with their parameters stored beside them. */
#ifndef FC_PASSWORD_H
#define FC_PASSWORD_H

#include <stddef.h>

struct fc_scrypt_params {
    int log_n; /* N = 2^log_n */
    int r;
    int p;
};

/* Hashes password with a fresh 16-byte salt into out:
 * "$scrypt$ln=15,r=8,p=3$<salt hex>$<key hex>". FC_OK or FC_ERR. */
int fc_password_hash(const char *password, const struct fc_scrypt_params *prm, char *out, size_t n);
/* 1 when password matches stored, 0 when not (or stored is malformed). */
int fc_password_verify(const char *password, const char *stored);
/* 1 when stored was made with weaker parameters than prm (re-hash at next log-in). */
int fc_password_needs_rehash(const char *stored, const struct fc_scrypt_params *prm);
/* NULL when password is acceptable for username, else a message for the user. */
const char *fc_password_policy(const char *password, const char *username, size_t min_len);

#endif
