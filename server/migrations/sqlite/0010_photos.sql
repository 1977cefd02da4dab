-- A resident's photo of a place or barrier: re-encoded without any metadata and stored as a file
-- named by its content hash (outside the database); public only once a moderator publishes it.
CREATE TABLE photos (
    submission  TEXT PRIMARY KEY REFERENCES submissions (id) ON DELETE CASCADE,
    hash        TEXT NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    public      INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX photos_by_hash ON photos (hash);
