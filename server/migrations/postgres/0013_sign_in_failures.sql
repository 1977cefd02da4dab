-- Failed staff sign-ins, shared by every server on this database (it replaces a counter each process
-- kept in memory, which gave an account five tries per server). `account` is a BLAKE2s hash of the
-- lowercased address, so guesses at made-up addresses leave no addresses behind; rows older than the
-- lockout (15 minutes) are removed as new attempts come in.
CREATE TABLE sign_in_failures (
    account     TEXT PRIMARY KEY,
    failures    BIGINT NOT NULL,
    since       TEXT NOT NULL
);

CREATE INDEX sign_in_failures_by_time ON sign_in_failures (since);
