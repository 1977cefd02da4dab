-- No query looks entries up by respondent (distinct respondents are counted from the per-gemeente
-- index, "ik ook" by entry), but every insert paid for this index: a random page per entry, about a
-- quarter of a group commit's writes (bench/ingest.sh).
DROP INDEX IF EXISTS submissions_by_respondent;
