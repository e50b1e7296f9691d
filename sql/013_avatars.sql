-- forkcast schema, version 11: a member's uploaded picture (a blob key, like review photos;
-- cgi/svc/profiles.c shows it with the profile's privacy). No row: the generated initials.
CREATE TABLE IF NOT EXISTS avatars (
  user_id    INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  photo      TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
