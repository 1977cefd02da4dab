-- Private links. The old secret `edit_key` (64 hex characters) was handed to a MAC that takes a key of
-- at most 32 bytes; the key was refused and the code fell back to an all-zero key, so anyone could
-- compute any entry's key from its id. The server now makes `private_link` (32 bytes from the OS's
-- random source) at its first start and uses all of it; links handed out before this stop working.
DELETE FROM secrets WHERE name = 'edit_key';

-- Idempotent resends are compared against hashes, not against the whole entry as sent (which kept a
-- resident's words forever, past retention and every removal). `content_hash` is the BLAKE2s hash of
-- the canonical form ('' once the entry's words are removed), `wordless_hash` of the same without the
-- words. The server turns the rows of earlier versions (full JSON in the renamed column) into hashes
-- at its first start and then vacuums, so the old text leaves the file too.
ALTER TABLE submissions RENAME COLUMN canonical TO content_hash;
ALTER TABLE submissions ADD COLUMN wordless_hash TEXT NOT NULL DEFAULT '';

-- Events belong to the gemeenten of the worker who made them: a campaign that runs everywhere does
-- not make its events everyone's.
ALTER TABLE events ADD COLUMN gemeenten TEXT NOT NULL DEFAULT '';
UPDATE events SET gemeenten = coalesce((SELECT u.gemeenten FROM staff_users u WHERE u.id = events.created_by), '');

-- Sign-in slows down instead of locking the owner out: when the account's last attempt was.
ALTER TABLE sign_in_failures ADD COLUMN last_at TEXT NOT NULL DEFAULT '';

-- Where the public sees an entry (places exact, barriers and wishes on the 100 m grid), written with
-- it: public selections (the map's box, the heatmap, "nearby") never look at exact positions, so
-- moving a box's edge in small steps cannot tell where inside its cell an entry lies. The server
-- fills these for the rows of earlier versions at its first start.
ALTER TABLE submissions ADD COLUMN pub_lon DOUBLE PRECISION;
ALTER TABLE submissions ADD COLUMN pub_lat DOUBLE PRECISION;
CREATE INDEX submissions_by_public_position ON submissions (pub_lat, pub_lon) WHERE pub_lat IS NOT NULL;

-- The public list's order: month, then the (random, client-made) id; never the moment of arrival,
-- which would link one visit's entries.
CREATE INDEX submissions_public_order ON submissions ((substr(created_at, 1, 7)), id);
