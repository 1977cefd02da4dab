-- Issue 18: a barrier's severity and the groups it stops became public per entry (the map, the list,
-- and figures narrowed by them). Entries stored before were given under a privacy page that did not
-- say so: theirs stay unpublished (0). Every entry stored from now on says it (1; the form and the
-- privacy page tell residents). A place's qualities were public before and are not gated.
ALTER TABLE submissions ADD COLUMN details_public INTEGER NOT NULL DEFAULT 0;
