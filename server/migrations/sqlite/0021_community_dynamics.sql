-- Community dynamics (issue 20): activities, the networks and institutions around them, and the
-- links between them, recorded by workers. One table holds every node of a gemeente's graph, so a
-- client-made id names one thing (an activity and a network cannot share it) and a link's ends are
-- looked up in one place.
CREATE TABLE community_nodes (
    id           TEXT PRIMARY KEY,
    -- activity | resident_group | local_network | institution
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    what         TEXT NOT NULL DEFAULT '',
    gemeente     TEXT NOT NULL,
    -- A point of its own; an activity at a mapped place takes the place's public position when read
    -- (so a place its resident deletes or a moderator hides takes the activity's position along).
    lon          REAL,
    lat          REAL,
    place        TEXT,
    started_on   TEXT NOT NULL,
    recurring    INTEGER NOT NULL DEFAULT 0,
    campaign     TEXT,
    -- BLAKE2s of the request's canonical form: a resend of the same body is answered 200, another 409.
    content_hash TEXT NOT NULL,
    created_by   INTEGER NOT NULL,
    created_at   TEXT NOT NULL
) STRICT;
CREATE INDEX community_nodes_by_gemeente ON community_nodes (gemeente, kind);

-- What an activity grew from: residents' entries, other activities, events. A resident who deletes
-- their entry takes its row here along; the activity stays.
CREATE TABLE activity_origins (
    activity TEXT NOT NULL,
    origin   TEXT NOT NULL,
    -- wish | talent | entry | activity | event
    kind     TEXT NOT NULL,
    PRIMARY KEY (activity, origin)
) STRICT;
CREATE INDEX activity_origins_by_origin ON activity_origins (origin);

-- Links between two nodes of one gemeente. The note is staff-only: it may name a person or a home.
CREATE TABLE community_links (
    id           TEXT PRIMARY KEY,
    from_node    TEXT NOT NULL,
    to_node      TEXT NOT NULL,
    -- residents | residents_networks | networks_institutions | led_to
    kind         TEXT NOT NULL,
    on_day       TEXT NOT NULL,
    note         TEXT,
    capital      TEXT,
    gemeente     TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    created_by   INTEGER NOT NULL,
    created_at   TEXT NOT NULL
) STRICT;
CREATE INDEX community_links_by_gemeente ON community_links (gemeente);
-- Two nodes are tied by a relation once: a second such link would only draw the same line again.
CREATE UNIQUE INDEX community_links_once ON community_links (from_node, to_node, kind);
