-- What plugin companions created at a streaming service for a relay (a Cloudflare live
-- input, an IVS channel), from the moment it exists until it is deleted (or kept on
-- purpose), so that a gateway restarted after a crash adopts it when its relay still runs
-- and deletes it when the relay is gone. `resource_id` is the service's id (a uid, an ARN),
-- never a stream key.

-- migrate:up
CREATE TABLE relay_resources (
    id bigserial PRIMARY KEY,
    companion text NOT NULL,
    platform text,
    kind text NOT NULL,
    resource_id text NOT NULL,
    route text NOT NULL,
    channel text NOT NULL,
    created_at timestamp NOT NULL DEFAULT now(),
    UNIQUE (companion, resource_id)
);

-- migrate:down
DROP TABLE relay_resources;
