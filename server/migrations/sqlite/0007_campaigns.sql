-- A campaign's settings as staff wrote them (app::model::Campaign as JSON). NULL for the general
-- campaign of a fresh database, which uses the built-in settings. `status` stays a column so the
-- insert's "is it open" check needs no JSON.
ALTER TABLE campaigns ADD COLUMN config TEXT;
ALTER TABLE campaigns ADD COLUMN updated_at TEXT;

-- One row per respondent and campaign: the survey answers after a visit's map entries, linked to those
-- entries by the respondent id (a random id the browser made; nothing that identifies a person).
CREATE TABLE survey_responses (
    campaign    TEXT NOT NULL REFERENCES campaigns (id),
    respondent  TEXT NOT NULL,
    answers     TEXT NOT NULL,
    language    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (campaign, respondent)
) STRICT, WITHOUT ROWID;

-- The gemeenten (CBS codes, comma-separated) an advisor or worker works for; admins see everything.
ALTER TABLE staff_users ADD COLUMN gemeenten TEXT NOT NULL DEFAULT '';
