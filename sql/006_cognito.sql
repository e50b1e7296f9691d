-- forkcast schema, version 6: the Cognito tokens of a session (auth/cognito.c). The browser
-- only holds forkcast's opaque session cookie; the access and refresh tokens stay here,
-- sealed with AES-256-GCM under a key derived from Data.Dir/secret (bound to the session
-- hash), so a copy of the database alone does not give them away. access_exp (unix time) says
-- when the access token expires: it is refreshed before that. Deleted with the session.
CREATE TABLE session_tokens (
  token_hash  TEXT PRIMARY KEY REFERENCES sessions(token_hash) ON DELETE CASCADE,
  sealed      TEXT NOT NULL,
  access_exp  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
) WITHOUT ROWID;
