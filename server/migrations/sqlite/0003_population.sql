-- CBS key figures per area code (gemeente, wijk or buurt), from `trefpunt import-population`. Kept apart
-- from `areas`: a key-figure table may cover areas whose boundaries are not imported (yet).
CREATE TABLE population (
    code        TEXT PRIMARY KEY,
    inhabitants INTEGER,
    age_0_14    INTEGER,
    age_15_24   INTEGER,
    age_25_44   INTEGER,
    age_45_64   INTEGER,
    age_65_plus INTEGER,
    imported_at TEXT NOT NULL
) STRICT;
