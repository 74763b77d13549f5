-- Which relay each channel should have, so a restarted gateway can resume what was running
-- (boot reconciliation). One row per channel: written when a relay is started (desired),
-- and when it stops or fails for good (not desired). `origin` is 'config' (a route's fixed
-- channel) or 'api'; an API relay keeps the route it asked for (NULL: the first matching
-- route) and its seller, so it is resumed exactly as it was requested.

-- migrate:up
CREATE TABLE relays (
    channel text PRIMARY KEY,
    channel_id integer,
    route text NOT NULL,
    requested_route text,
    seller_uid text,
    origin varchar(10) NOT NULL,
    desired boolean NOT NULL,
    updated_at timestamp NOT NULL
);

-- migrate:down
DROP TABLE relays;
