-- "Ik ook": a resident says an existing entry is theirs too, instead of adding a duplicate. One row per
-- entry and respondent (the visit's random id); counted in the aggregates as an entry of that
-- respondent in the entry's area, kind and category, in the month it was said.
CREATE TABLE me_too (
    submission  TEXT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    respondent  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (submission, respondent)
) STRICT, WITHOUT ROWID;
