-- Aggregates are computed per gemeente from the rows themselves (domain::aggregate), because
-- suppression that holds against differencing has to see the whole gemeente's table at once. The
-- per-area counts table that the insert used to bump is no longer read.
DROP TABLE area_counts;

-- Bumped in the transaction of every write that changes a gemeente's figures, so any server (also one
-- sharing a database with others) knows when its cached table of that gemeente is stale.
CREATE TABLE area_revisions (
    gemeente    TEXT PRIMARY KEY,
    revision    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

INSERT INTO area_revisions (gemeente, revision)
SELECT DISTINCT gemeente, 1 FROM submissions WHERE gemeente IS NOT NULL;

-- Covers the aggregate read of one gemeente without touching the table.
CREATE INDEX submissions_by_gemeente
    ON submissions (gemeente, wijk, buurt, kind, category, source, campaign, created_at, respondent)
    WHERE gemeente IS NOT NULL AND status != 'hidden';
