-- CBS areas (gemeente, wijk, buurt) for assigning submissions and for the area map.
CREATE TABLE areas (
    code        TEXT PRIMARY KEY,
    level       TEXT NOT NULL CHECK (level IN ('gemeente', 'wijk', 'buurt')),
    name        TEXT,
    population  INTEGER,
    -- The CBS year of the boundaries, as given at import.
    year        INTEGER,
    -- GeoJSON geometry (MultiPolygon, WGS84), as served by GET /api/v1/areas.
    shape       TEXT NOT NULL,
    imported_at TEXT NOT NULL
) STRICT;

CREATE INDEX areas_by_level ON areas (level);
