-- forkcast schema, version 15: "keep my want-to-go list private" (issue #16). 1: the user's
-- saves are left out of everyone else's feed when it is read (fc_rules_feed_shown).
ALTER TABLE users ADD COLUMN saves_private INTEGER NOT NULL DEFAULT 0;
