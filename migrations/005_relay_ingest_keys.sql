-- The stream key the gateway made up for a relay whose source is pushed to (source type
-- rtmp without a configured key), so a restarted gateway resumes the relay on the same key
-- and its publisher (an encoder, an Agora converter) reconnects without being told a new
-- one. NULL for every other relay. A secret, like any stream key: restrict who reads it.

-- migrate:up
ALTER TABLE relays ADD COLUMN ingest_key text;

-- migrate:down
ALTER TABLE relays DROP COLUMN ingest_key;
