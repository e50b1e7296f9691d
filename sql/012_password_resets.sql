-- forkcast schema, version 11: password reset links (#16 item 8). Only the token's SHA-256 is
-- kept; a row is deleted when its link is used (cgi/store/sqlite_reset.c); expired rows are
-- deleted when a new link is made.
CREATE TABLE password_resets (
    hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL
);
