-- forkcast schema, version 16: the content version (issue #18's page cache,
-- cgi/core/pagecache.c). One number that every write of a row a page may show moves, in this
-- process or any other on the same database: each process keeps pages it rendered only while
-- the number is the one it read before rendering them (store op content_version,
-- store/sqlite_version.c). Every table has the three triggers below unless pages never show
-- its rows: sessions, session_tokens, login_failures, password_resets (checked before any
-- page; not shown), events (the interaction log: pages show it only through the
-- recommender's model, whose build is part of a cached page's validity), metrics_*, jobs,
-- ec2_* (the admin console, never cached), schema_version, sqlite_sequence and this table.
-- t/content_version.t fails when a table is neither triggered nor in that list.
CREATE TABLE content_version (v INTEGER NOT NULL);
INSERT INTO content_version (v) VALUES (1);
CREATE TRIGGER cv_users_i AFTER INSERT ON users BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_users_u AFTER UPDATE ON users BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_users_d AFTER DELETE ON users BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_restaurants_i AFTER INSERT ON restaurants BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_restaurants_u AFTER UPDATE ON restaurants BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_restaurants_d AFTER DELETE ON restaurants BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_restaurant_cuisines_i AFTER INSERT ON restaurant_cuisines BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_restaurant_cuisines_u AFTER UPDATE ON restaurant_cuisines BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_restaurant_cuisines_d AFTER DELETE ON restaurant_cuisines BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_reviews_i AFTER INSERT ON reviews BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_reviews_u AFTER UPDATE ON reviews BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_reviews_d AFTER DELETE ON reviews BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_friendships_i AFTER INSERT ON friendships BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_friendships_u AFTER UPDATE ON friendships BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_friendships_d AFTER DELETE ON friendships BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_friend_requests_i AFTER INSERT ON friend_requests BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_friend_requests_u AFTER UPDATE ON friend_requests BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_friend_requests_d AFTER DELETE ON friend_requests BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_blocks_i AFTER INSERT ON blocks BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_blocks_u AFTER UPDATE ON blocks BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_blocks_d AFTER DELETE ON blocks BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_saves_i AFTER INSERT ON saves BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_saves_u AFTER UPDATE ON saves BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_saves_d AFTER DELETE ON saves BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_feed_items_i AFTER INSERT ON feed_items BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_feed_items_u AFTER UPDATE ON feed_items BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_feed_items_d AFTER DELETE ON feed_items BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_restaurant_stats_i AFTER INSERT ON restaurant_stats BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_restaurant_stats_u AFTER UPDATE ON restaurant_stats BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_restaurant_stats_d AFTER DELETE ON restaurant_stats BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_likes_i AFTER INSERT ON likes BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_likes_u AFTER UPDATE ON likes BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_likes_d AFTER DELETE ON likes BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_comments_i AFTER INSERT ON comments BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_comments_u AFTER UPDATE ON comments BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_comments_d AFTER DELETE ON comments BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_notes_i AFTER INSERT ON notes BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_notes_u AFTER UPDATE ON notes BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_notes_d AFTER DELETE ON notes BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_notes_seen_i AFTER INSERT ON notes_seen BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_notes_seen_u AFTER UPDATE ON notes_seen BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_notes_seen_d AFTER DELETE ON notes_seen BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_avatars_i AFTER INSERT ON avatars BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_avatars_u AFTER UPDATE ON avatars BEGIN UPDATE content_version SET v = v + 1; END;
CREATE TRIGGER cv_avatars_d AFTER DELETE ON avatars BEGIN UPDATE content_version SET v = v + 1; END;
