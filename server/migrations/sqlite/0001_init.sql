-- Trefpunt's first schema (SQLite). PostgreSQL has its own migrations under ../postgres.

-- A campaign is what residents answer to. `texts` holds per-language title/intro overrides as JSON;
-- NULL means the translated defaults.
CREATE TABLE campaigns (
    id          TEXT PRIMARY KEY,
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    texts       TEXT,
    created_at  TEXT NOT NULL
) STRICT;

INSERT INTO campaigns (id, status, texts, created_at)
VALUES ('default', 'open', NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

-- One row per acknowledged entry. No IP address, user agent or other identifier of a resident:
-- `respondent` is a random id the browser made for one visit.
CREATE TABLE submissions (
    id          TEXT PRIMARY KEY,
    respondent  TEXT NOT NULL,
    campaign    TEXT NOT NULL REFERENCES campaigns (id),
    kind        TEXT NOT NULL CHECK (kind IN ('place', 'barrier', 'wish')),
    category    TEXT NOT NULL,
    lon         REAL,
    lat         REAL,
    details     TEXT NOT NULL,
    answers     TEXT NOT NULL,
    text        TEXT,
    language    TEXT NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('web', 'event', 'paper')),
    event       TEXT,
    gemeente    TEXT,
    wijk        TEXT,
    buurt       TEXT,
    -- The validated body; a replay of the same id is compared against it (200 if equal, 409 if not).
    canonical   TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'received',
    -- Free text is private until a moderator publishes it.
    text_public INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
) STRICT;

CREATE INDEX submissions_by_position ON submissions (lat, lon) WHERE lat IS NOT NULL;
CREATE INDEX submissions_by_respondent ON submissions (respondent, campaign, kind, category);
CREATE INDEX submissions_by_time ON submissions (created_at);

-- A deleted entry leaves its id, so a queued offline resend cannot bring it back (410).
CREATE TABLE tombstones (
    id          TEXT PRIMARY KEY,
    deleted_at  TEXT NOT NULL
) STRICT;

-- Per-area counts, bumped in the same transaction as the insert, so dashboards never scan submissions.
-- area_code '' is "outside every imported area".
CREATE TABLE area_counts (
    level       TEXT NOT NULL CHECK (level IN ('gemeente', 'wijk', 'buurt')),
    area_code   TEXT NOT NULL,
    campaign    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    category    TEXT NOT NULL,
    source      TEXT NOT NULL,
    entries     INTEGER NOT NULL,
    respondents INTEGER NOT NULL,
    PRIMARY KEY (level, area_code, campaign, kind, category, source)
) STRICT, WITHOUT ROWID;
