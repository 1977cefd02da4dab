-- Walking coverage (issue 17): the footpath network, the places a municipality already knows, and
-- barriers a moderator confirmed on site.

-- One imported network (`trefpunt import-network`). A new import replaces every network whose extent
-- overlaps its own, so segments never lie twice.
CREATE TABLE networks (
    id          TEXT PRIMARY KEY,
    source      TEXT NOT NULL,
    min_lon     REAL NOT NULL,
    min_lat     REAL NOT NULL,
    max_lon     REAL NOT NULL,
    max_lat     REAL NOT NULL,
    nodes       INTEGER NOT NULL,
    segments    INTEGER NOT NULL,
    imported_at TEXT NOT NULL
) STRICT;

-- Its segments: node ids `a`, `b` (the network's own numbering), what kind of way, the length the
-- file gave (else geodesic), the box for loading a gemeente's part, and the course as
-- "lon lat,lon lat,...".
CREATE TABLE network_segments (
    network  TEXT NOT NULL REFERENCES networks (id),
    seq      INTEGER NOT NULL,
    a        INTEGER NOT NULL,
    b        INTEGER NOT NULL,
    way      TEXT NOT NULL CHECK (way IN ('street', 'footway', 'steps')),
    length_m REAL NOT NULL,
    min_lon  REAL NOT NULL,
    min_lat  REAL NOT NULL,
    max_lon  REAL NOT NULL,
    max_lat  REAL NOT NULL,
    line     TEXT NOT NULL,
    PRIMARY KEY (network, seq)
) STRICT;
CREATE INDEX network_segments_by_box ON network_segments (min_lon, min_lat);

-- Places the municipality already knows (`trefpunt import-places`): not submissions, counted in no
-- figure about residents, destinations for coverage beside the places residents mapped. A new import
-- of the same source file name replaces that source's places.
CREATE TABLE known_places (
    id          TEXT PRIMARY KEY,
    source      TEXT NOT NULL,
    category    TEXT NOT NULL,
    name        TEXT,
    lon         REAL NOT NULL,
    lat         REAL NOT NULL,
    -- JSON list of place qualities (`step_free`, `free`, ...) the file states.
    qualities   TEXT NOT NULL,
    imported_at TEXT NOT NULL
) STRICT;
CREATE INDEX known_places_by_position ON known_places (lat, lon);

-- Counted up by every network or places import, so running servers drop their cached coverage.
CREATE TABLE walking_generation (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
) STRICT;
INSERT INTO walking_generation (id, generation) VALUES (1, 0);

-- A moderator confirmed a barrier (seen on site): it counts for walking coverage however few
-- residents reported it.
ALTER TABLE submissions ADD COLUMN confirmed INTEGER NOT NULL DEFAULT 0;
