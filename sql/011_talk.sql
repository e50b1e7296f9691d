-- forkcast schema, version 11: conversation (docs/social.md "Conversation"): likes and comments
-- on reviews, and notifications (likes, comments, friend requests, accepted requests). Who may
-- like, comment or see what is C (cgi/store/rules_talk.c); these tables only hold the data.
CREATE TABLE likes (
  review_id  INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (review_id, user_id)
) WITHOUT ROWID;

CREATE TABLE comments (
  id            INTEGER PRIMARY KEY,
  review_id     INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
  restaurant_id INTEGER NOT NULL,
  user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  body          TEXT NOT NULL,
  created_at    INTEGER NOT NULL
);
CREATE INDEX comments_review ON comments(review_id, id);
CREATE INDEX comments_restaurant ON comments(restaurant_id, id);

-- kind: 1 like, 2 comment, 3 friend request, 4 request accepted. A like or comment
-- notification whose review or comment is gone is not shown (the list joins them).
CREATE TABLE notes (
  id            INTEGER PRIMARY KEY,
  user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  actor_id      INTEGER NOT NULL,
  kind          INTEGER NOT NULL,
  review_id     INTEGER NOT NULL DEFAULT 0,
  restaurant_id INTEGER NOT NULL DEFAULT 0,
  comment_id    INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL
);
CREATE INDEX notes_user ON notes(user_id, id);

-- the last notification each user has seen (the notifications page marks up to it)
CREATE TABLE notes_seen (
  user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  seen_id INTEGER NOT NULL
);

-- a review's or comment's notifications go with it (SQLite reuses the largest rowid)
CREATE INDEX notes_review ON notes(review_id) WHERE review_id > 0;
CREATE TRIGGER notes_review_delete AFTER DELETE ON reviews BEGIN
  DELETE FROM notes WHERE review_id = OLD.id AND kind IN (1, 2);
END;
CREATE TRIGGER notes_comment_delete AFTER DELETE ON comments BEGIN
  DELETE FROM notes WHERE review_id = OLD.review_id AND kind = 2 AND comment_id = OLD.id;
END;
