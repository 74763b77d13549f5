-- Each relay output's latest status, one row per channel and output, refreshed with every
-- metrics sample: what an operator checks when one platform misbehaves (state, retries,
-- the last error and whose fault it was, bytes out, since when it is connected).

-- migrate:up
CREATE TABLE relay_outputs (
    channel text NOT NULL,
    output text NOT NULL,
    channel_id integer,
    route text NOT NULL,
    state varchar(20) NOT NULL,
    retries integer NOT NULL DEFAULT 0,
    last_retry_at timestamp,
    last_error text,
    error_class varchar(20),
    bytes_out bigint NOT NULL DEFAULT 0,
    connected_since timestamp,
    updated_at timestamp NOT NULL,
    PRIMARY KEY (channel, output)
);

-- migrate:down
DROP TABLE relay_outputs;
