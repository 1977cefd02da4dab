-- A duplicate a moderator merged into another entry: hidden, its resident counted on the other
-- entry as an "ik ook".
ALTER TABLE submissions ADD COLUMN merged_into TEXT;
