-- Per-deployment secrets, made once by this migration. `edit_key` signs the residents' private
-- links (/mijn/{id}?sleutel=...): the key of an entry is a MAC of its id, so nothing per entry is
-- stored and several servers sharing this database give the same links.
CREATE TABLE secrets (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) STRICT, WITHOUT ROWID;

INSERT INTO secrets (name, value) VALUES ('edit_key', lower(hex(randomblob(32))));

-- When retention last removed free text from an entry (NULL: never).
ALTER TABLE submissions ADD COLUMN text_removed_at TEXT;
