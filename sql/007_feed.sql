-- forkcast schema, version 7: data kept ready for the busiest pages, maintained by triggers in
-- the same transaction as every write (whatever writes: pages, import, copy, the CLI).
--  * feed_items: each viewer's feed (fan-out on write): one row per (viewer, friend's review or
--    save), so a feed page is one range of the primary key, newest first, whatever the number
--    of friends or of their reviews. A row exists exactly while the friendship row
--    (viewer, author) and the review or save exist.
--  * restaurant_stats: each restaurant's review count and star sum (the average on every
--    restaurant card), instead of reading all its reviews each time.
--  * restaurants_name: restaurant lists (ordered by name) read in index order and stop at the
--    page's end instead of sorting every restaurant.

CREATE INDEX friendships_friend ON friendships(friend_id);
CREATE INDEX restaurants_name ON restaurants(name COLLATE NOCASE, id);

CREATE TABLE feed_items (
  viewer_id INTEGER NOT NULL,
  at        INTEGER NOT NULL,  -- the item's created_at
  kind      INTEGER NOT NULL,  -- 1 review, 2 save
  item_id   INTEGER NOT NULL,  -- reviews.id or saves.id
  author_id INTEGER NOT NULL,
  PRIMARY KEY (viewer_id, at, kind, item_id)
) WITHOUT ROWID;
CREATE INDEX feed_items_author ON feed_items(viewer_id, author_id);

INSERT INTO feed_items (viewer_id, at, kind, item_id, author_id)
  SELECT f.user_id, r.created_at, 1, r.id, r.user_id FROM friendships f
  JOIN reviews r ON r.user_id = f.friend_id;
INSERT INTO feed_items (viewer_id, at, kind, item_id, author_id)
  SELECT f.user_id, s.created_at, 2, s.id, s.user_id FROM friendships f
  JOIN saves s ON s.user_id = f.friend_id;

CREATE TRIGGER feed_review_insert AFTER INSERT ON reviews BEGIN
  INSERT OR IGNORE INTO feed_items (viewer_id, at, kind, item_id, author_id)
    SELECT f.user_id, NEW.created_at, 1, NEW.id, NEW.user_id FROM friendships f
    WHERE f.friend_id = NEW.user_id;
END;
CREATE TRIGGER feed_review_delete AFTER DELETE ON reviews BEGIN
  DELETE FROM feed_items WHERE at = OLD.created_at AND kind = 1 AND item_id = OLD.id
    AND viewer_id IN (SELECT f.user_id FROM friendships f WHERE f.friend_id = OLD.user_id);
END;
CREATE TRIGGER feed_review_update AFTER UPDATE OF id, user_id, created_at ON reviews
WHEN OLD.id <> NEW.id OR OLD.user_id <> NEW.user_id OR OLD.created_at <> NEW.created_at BEGIN
  DELETE FROM feed_items WHERE at = OLD.created_at AND kind = 1 AND item_id = OLD.id
    AND viewer_id IN (SELECT f.user_id FROM friendships f WHERE f.friend_id = OLD.user_id);
  INSERT OR IGNORE INTO feed_items (viewer_id, at, kind, item_id, author_id)
    SELECT f.user_id, NEW.created_at, 1, NEW.id, NEW.user_id FROM friendships f
    WHERE f.friend_id = NEW.user_id;
END;

CREATE TRIGGER feed_save_insert AFTER INSERT ON saves BEGIN
  INSERT OR IGNORE INTO feed_items (viewer_id, at, kind, item_id, author_id)
    SELECT f.user_id, NEW.created_at, 2, NEW.id, NEW.user_id FROM friendships f
    WHERE f.friend_id = NEW.user_id;
END;
CREATE TRIGGER feed_save_delete AFTER DELETE ON saves BEGIN
  DELETE FROM feed_items WHERE at = OLD.created_at AND kind = 2 AND item_id = OLD.id
    AND viewer_id IN (SELECT f.user_id FROM friendships f WHERE f.friend_id = OLD.user_id);
END;
CREATE TRIGGER feed_save_update AFTER UPDATE OF id, user_id, created_at ON saves
WHEN OLD.id <> NEW.id OR OLD.user_id <> NEW.user_id OR OLD.created_at <> NEW.created_at BEGIN
  DELETE FROM feed_items WHERE at = OLD.created_at AND kind = 2 AND item_id = OLD.id
    AND viewer_id IN (SELECT f.user_id FROM friendships f WHERE f.friend_id = OLD.user_id);
  INSERT OR IGNORE INTO feed_items (viewer_id, at, kind, item_id, author_id)
    SELECT f.user_id, NEW.created_at, 2, NEW.id, NEW.user_id FROM friendships f
    WHERE f.friend_id = NEW.user_id;
END;

CREATE TRIGGER feed_friend_insert AFTER INSERT ON friendships BEGIN
  INSERT OR IGNORE INTO feed_items (viewer_id, at, kind, item_id, author_id)
    SELECT NEW.user_id, r.created_at, 1, r.id, r.user_id FROM reviews r
    WHERE r.user_id = NEW.friend_id;
  INSERT OR IGNORE INTO feed_items (viewer_id, at, kind, item_id, author_id)
    SELECT NEW.user_id, s.created_at, 2, s.id, s.user_id FROM saves s
    WHERE s.user_id = NEW.friend_id;
END;
CREATE TRIGGER feed_friend_delete AFTER DELETE ON friendships BEGIN
  DELETE FROM feed_items WHERE viewer_id = OLD.user_id AND author_id = OLD.friend_id;
END;
CREATE TRIGGER feed_friend_update AFTER UPDATE ON friendships
WHEN OLD.user_id <> NEW.user_id OR OLD.friend_id <> NEW.friend_id BEGIN
  DELETE FROM feed_items WHERE viewer_id = OLD.user_id AND author_id = OLD.friend_id;
  INSERT OR IGNORE INTO feed_items (viewer_id, at, kind, item_id, author_id)
    SELECT NEW.user_id, r.created_at, 1, r.id, r.user_id FROM reviews r
    WHERE r.user_id = NEW.friend_id;
  INSERT OR IGNORE INTO feed_items (viewer_id, at, kind, item_id, author_id)
    SELECT NEW.user_id, s.created_at, 2, s.id, s.user_id FROM saves s
    WHERE s.user_id = NEW.friend_id;
END;

CREATE TABLE restaurant_stats (
  restaurant_id INTEGER PRIMARY KEY,
  reviews       INTEGER NOT NULL,  -- how many
  stars         INTEGER NOT NULL   -- their sum
);
INSERT INTO restaurant_stats (restaurant_id, reviews, stars)
  SELECT restaurant_id, count(*), sum(stars) FROM reviews GROUP BY restaurant_id;

CREATE TRIGGER stats_review_insert AFTER INSERT ON reviews BEGIN
  INSERT INTO restaurant_stats (restaurant_id, reviews, stars) VALUES (NEW.restaurant_id, 1, NEW.stars)
    ON CONFLICT (restaurant_id) DO UPDATE SET reviews = reviews + 1, stars = stars + excluded.stars;
END;
CREATE TRIGGER stats_review_delete AFTER DELETE ON reviews BEGIN
  UPDATE restaurant_stats SET reviews = reviews - 1, stars = stars - OLD.stars
    WHERE restaurant_id = OLD.restaurant_id;
END;
CREATE TRIGGER stats_review_update AFTER UPDATE OF restaurant_id, stars ON reviews
WHEN OLD.restaurant_id <> NEW.restaurant_id OR OLD.stars <> NEW.stars BEGIN
  UPDATE restaurant_stats SET reviews = reviews - 1, stars = stars - OLD.stars
    WHERE restaurant_id = OLD.restaurant_id;
  INSERT INTO restaurant_stats (restaurant_id, reviews, stars) VALUES (NEW.restaurant_id, 1, NEW.stars)
    ON CONFLICT (restaurant_id) DO UPDATE SET reviews = reviews + 1, stars = stars + excluded.stars;
END;
