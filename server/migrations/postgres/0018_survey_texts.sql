-- Survey results (issue 18): the moderation of survey text answers. A text answer is shown to
-- nobody but its campaign's moderators until one of them publishes it, and then only to staff with
-- access to the campaign; the public never sees one. The words stay where the resident's answers
-- are (`survey_responses`); this table holds the answer's own random id (the only id of it that
-- leaves the server: respondent ids never do) and its moderation state.
CREATE TABLE survey_texts (
    id           TEXT PRIMARY KEY,
    campaign     TEXT NOT NULL,
    respondent   TEXT NOT NULL,
    question     TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'published', 'rejected')),
    moderated_at TEXT,
    UNIQUE (campaign, respondent, question)
);
