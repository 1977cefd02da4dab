-- Working with residents (issue 19).
-- A resident's short reply to the worker's note, sent through the entry's private link. It is the
-- resident's own words: private until a moderator publishes it, removed with the free text at
-- retention, merge and deletion.
ALTER TABLE submissions ADD COLUMN reply TEXT;
ALTER TABLE submissions ADD COLUMN reply_public INTEGER NOT NULL DEFAULT 0;
ALTER TABLE submissions ADD COLUMN reply_at TEXT;
-- A wish's talent ("ik kan koken") is listed in public only once a moderator published it; staff
-- of the gemeente see it (for matching) from the start.
ALTER TABLE submissions ADD COLUMN talent_public INTEGER NOT NULL DEFAULT 0;

-- "You said, we did": every change of an entry's status or note, in order. Only staff write here;
-- the notes are public by design (the status note was public before). Rows of a deleted entry go
-- with it.
CREATE TABLE status_changes (
    id         INTEGER PRIMARY KEY,
    submission TEXT NOT NULL,
    status     TEXT NOT NULL,
    note       TEXT,
    at         TEXT NOT NULL
) STRICT;
CREATE INDEX status_changes_by_submission ON status_changes (submission, at);

-- What was done before this table existed: the current status and note, at their time.
INSERT INTO status_changes (submission, status, note, at)
    SELECT id, status, status_note, COALESCE(status_at, created_at) FROM submissions
    WHERE status <> 'received' OR status_note IS NOT NULL;
