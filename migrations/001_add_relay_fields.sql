-- The seed's 020_add_relay_fields: relay columns on channels, stream_metrics and its index.
-- It works with the backend's existing channels table (only columns are added) and alone
-- (a minimal channels table is created). What this migration creates is listed in
-- relaygate_owned_objects, so down removes exactly that and never the backend's data.

-- migrate:up
CREATE TABLE relaygate_owned_objects (
    object text PRIMARY KEY,
    created_at timestamp NOT NULL DEFAULT now()
);

DO $$
DECLARE
    col record;
BEGIN
    IF to_regclass('channels') IS NULL THEN
        CREATE TABLE channels (
            id serial PRIMARY KEY,
            name text NOT NULL UNIQUE,
            created_at timestamp NOT NULL DEFAULT now()
        );
        INSERT INTO relaygate_owned_objects (object) VALUES ('table channels');
    END IF;

    FOR col IN
        SELECT * FROM (VALUES
            ('stream_mode', 'varchar(20) DEFAULT ''agora-only'''),
            ('hls_playback_url', 'varchar(500)'),
            ('relay_status', 'varchar(20)'),
            ('relay_started_at', 'timestamp'),
            ('streaming_platform', 'varchar(50)'),
            ('stream_key_id', 'varchar(100)')
        ) AS c(name, definition)
    LOOP
        IF NOT EXISTS (
            SELECT 1 FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = 'channels' AND column_name = col.name
        ) THEN
            EXECUTE format('ALTER TABLE channels ADD COLUMN %I %s', col.name, col.definition);
            INSERT INTO relaygate_owned_objects (object) VALUES ('column channels.' || col.name);
        END IF;
    END LOOP;

    IF to_regclass('stream_metrics') IS NULL THEN
        CREATE TABLE stream_metrics (
            id serial PRIMARY KEY,
            channel_id integer NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
            "timestamp" timestamp NOT NULL DEFAULT now(),
            agora_viewers integer DEFAULT 0,
            hls_viewers integer DEFAULT 0,
            bitrate_kbps integer,
            relay_health varchar(20),
            created_at timestamp NOT NULL DEFAULT now()
        );
        INSERT INTO relaygate_owned_objects (object) VALUES ('table stream_metrics');
    END IF;

    IF to_regclass('stream_metrics_channel_id_timestamp_idx') IS NULL THEN
        CREATE INDEX stream_metrics_channel_id_timestamp_idx ON stream_metrics (channel_id, "timestamp");
        INSERT INTO relaygate_owned_objects (object) VALUES ('index stream_metrics_channel_id_timestamp_idx');
    END IF;
END
$$;

-- migrate:down
DO $$
DECLARE
    owned record;
BEGIN
    IF EXISTS (SELECT 1 FROM relaygate_owned_objects WHERE object = 'index stream_metrics_channel_id_timestamp_idx') THEN
        DROP INDEX stream_metrics_channel_id_timestamp_idx;
    END IF;
    IF EXISTS (SELECT 1 FROM relaygate_owned_objects WHERE object = 'table stream_metrics') THEN
        DROP TABLE stream_metrics;
    END IF;
    IF EXISTS (SELECT 1 FROM relaygate_owned_objects WHERE object = 'table channels') THEN
        DROP TABLE channels;
    ELSE
        FOR owned IN SELECT object FROM relaygate_owned_objects WHERE object LIKE 'column channels.%' LOOP
            EXECUTE format('ALTER TABLE channels DROP COLUMN %I', substr(owned.object, length('column channels.') + 1));
        END LOOP;
    END IF;
END
$$;
DROP TABLE relaygate_owned_objects;
