-- forkcast schema, version 8: the sign-in identity linked to an account after it was made
-- (auth/cognito.c links "cognito:<sub>" to a local or imported account whose e-mail the pool
-- has verified). ext_id stays the identity the account was made with (an import's id, or the
-- Cognito sub of an account made by signing up); a user is found by either.
ALTER TABLE users ADD COLUMN auth_id TEXT;
CREATE UNIQUE INDEX users_auth_id ON users(auth_id);
