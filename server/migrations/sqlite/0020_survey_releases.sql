-- Survey results are released from a snapshot per campaign: the answers (and where their residents
-- took part) up to `until`. It moves on only once k new residents answered after it, so comparing
-- the results before and after one resident's answers (watching them at a street event) shows
-- nothing of that resident: a change always rests on at least k of them.
CREATE TABLE survey_releases (
    campaign TEXT PRIMARY KEY,
    until    TEXT NOT NULL
) STRICT;
