-- forkcast schema, version 14: a private note on each place of a want-to-go list, seen by its
-- owner only (cgi/svc/saves.c; up to 280 characters). "" for none.
ALTER TABLE saves ADD COLUMN note TEXT NOT NULL DEFAULT '';
