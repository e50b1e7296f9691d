-- forkcast schema, version 10: the month of the visit a review is about ("2026-03"; '' when
-- the author did not say), shown as "visited in March 2026" (cgi/svc/reviews.c checks it).
ALTER TABLE reviews ADD COLUMN visited TEXT NOT NULL DEFAULT '';
