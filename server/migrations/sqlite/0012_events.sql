-- Street events: a worker's afternoon on a square within a campaign. The two tokens are the secrets of
-- its kiosk (tablet) link and its poster's QR link; entries made through them carry the event's id in
-- submissions.event (a column since 0001).
CREATE TABLE events (
    id TEXT PRIMARY KEY,
    campaign TEXT NOT NULL REFERENCES campaigns (id),
    name TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    day TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    kiosk_token TEXT NOT NULL,
    qr_token TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES staff_users (id),
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX events_by_campaign ON events (campaign, day);
CREATE INDEX submissions_by_event ON submissions (event) WHERE event IS NOT NULL;
