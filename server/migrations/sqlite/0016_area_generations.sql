-- Which import of the areas each entry was assigned under. An import counts `area_generation` up and
-- re-assigns every entry it sees; a running server keeps assigning with its old index until it
-- reloads (within 10 s), and on PostgreSQL entries committed while the import ran are not seen by
-- it. Each server, once it has the new index, re-assigns the entries still marked with an older
-- generation, so none stays "outside" for good.
CREATE TABLE area_generation (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
) STRICT;
INSERT INTO area_generation (id, generation) VALUES (1, 0);
ALTER TABLE submissions ADD COLUMN areas_generation INTEGER NOT NULL DEFAULT 0;
CREATE INDEX submissions_by_areas_generation ON submissions (areas_generation) WHERE lon IS NOT NULL;

-- Names of wijken and gemeenten whose own boundaries were not imported, as a finer level's file
-- gives them (a buurt file's `gemeentenaam`), so the dashboard names them. An area's own import
-- names it in `areas`, which wins.
CREATE TABLE area_names (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
) STRICT;

-- Wijken and gemeenten whose own boundaries were not imported but whose buurten (or wijken) were:
-- their shapes dissolved from those parts, so the map draws them. Rebuilt by every import; never used
-- to place an entry (a buurt's CBS code names its wijk and gemeente exactly).
CREATE TABLE implied_areas (
    code       TEXT PRIMARY KEY,
    level      TEXT NOT NULL CHECK (level IN ('gemeente', 'wijk')),
    population INTEGER,
    year       INTEGER,
    shape      TEXT NOT NULL
) STRICT;
