/* auth/cognito: the Cognito user-pool backend's helpers that tests reach directly: SECRET_HASH,
 * Cognito error codes to form messages, and the sealing of a session's tokens. */
#ifndef FC_COGNITO_H
#define FC_COGNITO_H

#include <ClearSilver.h>

#include "auth/auth.h"
#include "store/store.h"

/* The user-pool operation an error came from (messages depend on it). */
enum fc_cognito_op {
    FC_COGNITO_SIGNUP,
    FC_COGNITO_CONFIRM,
    FC_COGNITO_RESEND,
    FC_COGNITO_LOGIN,
    FC_COGNITO_REFRESH,
    FC_COGNITO_FORGOT,
    FC_COGNITO_CONFIRM_FORGOT,
    FC_COGNITO_CHANGE_PASSWORD,
    FC_COGNITO_LOGOUT,
};

/* Opens the backend (Auth.Backend = cognito): reads Auth.Cognito.*, makes the cognito-idp
 * client (unsigned calls) and the key set cache. FC_OK or FC_ERR (reason printed). */
int fc_cognito_open(HDF *cfg, struct fc_store *store, struct fc_auth **out);

/* SECRET_HASH: base64(HMAC-SHA256(key = client secret, username + client id)) into out.
 * FC_OK or FC_ERR. */
int fc_cognito_secret_hash(const char *secret, const char *username, const char *client_id,
                           char out[64]);

/* Turns a Cognito error code (and its message) from operation op into the form field and a
 * message for the user. Returns the auth code to answer: FC_EINVAL, FC_EXISTS, FC_EAUTH,
 * FC_ETHROTTLE, FC_EDISABLED, FC_AUTH_CONFIRM; FC_OK for UserNotFoundException on resend and
 * forgot (unknown users are not revealed); FC_ERR for anything unexpected (a configuration
 * or service problem, to be logged). */
int fc_cognito_map_error(enum fc_cognito_op op, const char *code, const char *message,
                         struct fc_auth_error *err);

/* Seals plain with AES-256-GCM under key, bound to aad (the session hash): "v1." + base64url
 * (nonce, ciphertext, tag), malloc'ed; NULL on failure. */
char *fc_cognito_seal(const unsigned char key[32], const char *aad, const char *plain);
/* Opens what fc_cognito_seal made, malloc'ed; NULL when it was altered, is bound to another
 * aad or another key. */
char *fc_cognito_unseal(const unsigned char key[32], const char *aad, const char *sealed);

#endif
