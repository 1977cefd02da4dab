-- Moderation: hiding an entry is separate from its status, which residents see ("you said, we did").
ALTER TABLE submissions ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
ALTER TABLE submissions ADD COLUMN status_note TEXT;
ALTER TABLE submissions ADD COLUMN status_at TEXT;
UPDATE submissions SET hidden = 1, status = 'received' WHERE status = 'hidden';
UPDATE submissions SET status = 'received'
    WHERE status NOT IN ('received', 'in_progress', 'taken_up', 'done', 'not_possible');

DROP INDEX submissions_by_gemeente;
CREATE INDEX submissions_by_gemeente
    ON submissions (gemeente, wijk, buurt, kind, category, source, campaign, created_at, respondent)
    WHERE gemeente IS NOT NULL AND hidden = 0;
