-- Working with residents (issue 19).
-- A resident's short reply to staff's note on their entry, sent through the entry's private link.
-- It is the resident's own words: private until a moderator publishes it, removed with the free
-- text at retention, merge and deletion. (No time is kept with it: when a resident acted is theirs.)
ALTER TABLE submissions ADD COLUMN reply TEXT;
ALTER TABLE submissions ADD COLUMN reply_public INTEGER NOT NULL DEFAULT 0;
-- A wish's talent ("ik kan koken") is listed in the area's public profile only once a moderator
-- published it; staff of the gemeente read it (to match it with wishes) from the start.
ALTER TABLE submissions ADD COLUMN talent_public INTEGER NOT NULL DEFAULT 0;

-- "You said, we did": every change of an entry's status, with the moment staff made it. The note
-- is not kept here: the page shows the entry's current note, so a note staff correct or remove is
-- gone from public view. Rows of a deleted entry go with it.
CREATE TABLE status_changes (
    id         INTEGER PRIMARY KEY,
    submission TEXT NOT NULL,
    status     TEXT NOT NULL,
    at         TEXT NOT NULL
) STRICT;
CREATE INDEX status_changes_by_submission ON status_changes (submission, at);

-- What was done before this table existed: the current status at the moment staff set it. An
-- entry without that moment gets no row (its own moment is the resident's, never shown).
INSERT INTO status_changes (submission, status, at)
    SELECT id, status, status_at FROM submissions
    WHERE status <> 'received' AND status_at IS NOT NULL;
