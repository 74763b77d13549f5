-- Every fact about a relay's life that is not a metrics sample: each state transition with
-- its reason and detail, and each start and stop. channel_id has no foreign key on purpose:
-- a relay's history outlives its channel row, and relays without a channel id are kept too.

-- migrate:up
CREATE TABLE relay_events (
    id bigserial PRIMARY KEY,
    channel_id integer,
    channel text NOT NULL,
    route text NOT NULL,
    event varchar(20) NOT NULL,
    from_state varchar(20),
    to_state varchar(20) NOT NULL,
    reason text,
    detail text,
    at timestamp NOT NULL,
    created_at timestamp NOT NULL DEFAULT now()
);
CREATE INDEX relay_events_channel_at_idx ON relay_events (channel, at);
CREATE INDEX relay_events_channel_id_at_idx ON relay_events (channel_id, at);

-- migrate:down
DROP TABLE relay_events;
