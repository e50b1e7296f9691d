-- forkcast schema, version 1: accounts, sessions, profiles, restaurants, reviews.
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
  email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
  pw_hash       TEXT NOT NULL DEFAULT '',
  ext_id        TEXT UNIQUE,
  display_name  TEXT NOT NULL DEFAULT '',
  bio           TEXT NOT NULL DEFAULT '',
  city          TEXT NOT NULL DEFAULT '',
  cuisines      TEXT NOT NULL DEFAULT '',
  price         TEXT NOT NULL DEFAULT '',
  visibility    TEXT NOT NULL DEFAULT 'public',
  is_admin      INTEGER NOT NULL DEFAULT 0,
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
  token_hash  TEXT PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at  INTEGER NOT NULL,
  last_seen   INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_failures (
  key  TEXT NOT NULL,
  at   INTEGER NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(key, at);

CREATE TABLE restaurants (
  id         INTEGER PRIMARY KEY,
  ext_id     TEXT UNIQUE,
  name       TEXT NOT NULL,
  address    TEXT NOT NULL DEFAULT '',
  city       TEXT NOT NULL DEFAULT '',
  state      TEXT NOT NULL DEFAULT '',
  country    TEXT NOT NULL DEFAULT '',
  lat        REAL,
  lon        REAL,
  price      TEXT NOT NULL DEFAULT '',
  cuisines   TEXT NOT NULL DEFAULT '',
  hours      TEXT NOT NULL DEFAULT '',
  alcohol    TEXT NOT NULL DEFAULT '',
  smoking    TEXT NOT NULL DEFAULT '',
  url        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX restaurants_city ON restaurants(city);

CREATE TABLE restaurant_cuisines (
  restaurant_id INTEGER NOT NULL REFERENCES restaurants(id) ON DELETE CASCADE,
  cuisine       TEXT NOT NULL,
  PRIMARY KEY (restaurant_id, cuisine)
);
CREATE INDEX restaurant_cuisines_c ON restaurant_cuisines(cuisine);

CREATE TABLE reviews (
  id            INTEGER PRIMARY KEY,
  user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  restaurant_id INTEGER NOT NULL REFERENCES restaurants(id) ON DELETE CASCADE,
  stars         INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
  body          TEXT NOT NULL DEFAULT '',
  photo         TEXT NOT NULL DEFAULT '',
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  UNIQUE (user_id, restaurant_id)
);
CREATE INDEX reviews_restaurant ON reviews(restaurant_id, created_at);
