import Foundation
import RelayStore
import TestSupport
import Testing

@Suite struct MigrationTests {
    /// The seed's 020_add_relay_fields, column by column: type and default.
    static let seedChannelColumns = [
        "stream_mode|character varying|20|'agora-only'::character varying",
        "hls_playback_url|character varying|500|",
        "relay_status|character varying|20|",
        "relay_started_at|timestamp without time zone||",
        "streaming_platform|character varying|50|",
        "stream_key_id|character varying|100|",
    ]
    static let seedMetricsColumns = [
        "id|integer||nextval('stream_metrics_id_seq'::regclass)|NO",
        "channel_id|integer|||NO",
        "timestamp|timestamp without time zone||now()|NO",
        "agora_viewers|integer||0|YES",
        "hls_viewers|integer||0|YES",
        "bitrate_kbps|integer|||YES",
        "relay_health|character varying|20||YES",
        "created_at|timestamp without time zone||now()|NO",
    ]

    static func columns(_ postgres: Postgres, _ table: String, nullable: Bool = false) throws -> [String] {
        try postgres.psql(
            """
            SELECT column_name, data_type, coalesce(character_maximum_length::text, ''), coalesce(column_default, '')
                \(nullable ? ", is_nullable" : "")
            FROM information_schema.columns WHERE table_name = '\(table)' ORDER BY ordinal_position
            """
        ).split(separator: "\n").map(String.init)
    }

    static func exists(_ postgres: Postgres, _ relation: String) throws -> Bool {
        try postgres.psql("SELECT to_regclass('\(relation)') IS NOT NULL") == "t"
    }

    static func expectSeedSchema(_ postgres: Postgres) throws {
        let channels = try columns(postgres, "channels")
        for column in seedChannelColumns { #expect(channels.contains(column), "channels lacks \(column): \(channels)") }
        #expect(try columns(postgres, "stream_metrics", nullable: true) == seedMetricsColumns)
        #expect(
            try postgres.psql("SELECT indexdef FROM pg_indexes WHERE indexname = 'stream_metrics_channel_id_timestamp_idx'")
                == "CREATE INDEX stream_metrics_channel_id_timestamp_idx ON public.stream_metrics USING btree (channel_id, \"timestamp\")")
        // channel_id references channels(id) on delete cascade.
        #expect(
            try postgres.psql(
                """
                SELECT confrelid::regclass, confdeltype FROM pg_constraint
                WHERE conrelid = 'stream_metrics'::regclass AND contype = 'f'
                """) == "channels|c")
        let events = try columns(postgres, "relay_events").map { $0.split(separator: "|").first.map(String.init) ?? "" }
        #expect(
            events == [
                "id", "channel_id", "channel", "route", "event", "from_state", "to_state", "reason", "detail", "at", "created_at",
            ])
        let relays = try columns(postgres, "relays").map { $0.split(separator: "|").first.map(String.init) ?? "" }
        #expect(
            relays == [
                "channel", "channel_id", "route", "requested_route", "seller_uid", "origin", "desired", "updated_at", "ingest_key",
            ])
    }

    @Test func upDownUpOnAnEmptyDatabase() async throws {
        let postgres = try await Postgres()
        let connection = try PostgresConnection(url: DatabaseURL(postgres.url))
        let migrator = Migrator(connection: connection, migrations: try Migration.load(directory: repositoryMigrations))

        #expect(
            try migrator.up().map(\.name) == [
                "add_relay_fields", "relay_events", "relays", "relay_outputs", "relay_ingest_keys", "relay_resources",
            ])
        try Self.expectSeedSchema(postgres)
        #expect(try migrator.up().isEmpty)

        #expect(try migrator.down()?.name == "relay_resources")
        #expect(try !Self.exists(postgres, "relay_resources"))
        #expect(try migrator.down()?.name == "relay_ingest_keys")
        #expect(try Self.columns(postgres, "relays").allSatisfy { !$0.hasPrefix("ingest_key|") })
        #expect(try migrator.down()?.name == "relay_outputs")
        #expect(try !Self.exists(postgres, "relay_outputs"))
        #expect(try migrator.down()?.name == "relays")
        #expect(try !Self.exists(postgres, "relays"))
        #expect(try migrator.down()?.name == "relay_events")
        #expect(try !Self.exists(postgres, "relay_events"))
        #expect(try Self.exists(postgres, "stream_metrics"))
        #expect(try migrator.down()?.name == "add_relay_fields")
        // Standalone: the channels table was ours, so it goes too.
        for relation in ["channels", "stream_metrics", "relaygate_owned_objects"] {
            #expect(try !Self.exists(postgres, relation), "\(relation) survived down")
        }
        #expect(try migrator.down() == nil)
        #expect(try postgres.psql("SELECT count(*) FROM schema_migrations") == "0")

        #expect(try migrator.up().count == 6)
        try Self.expectSeedSchema(postgres)
        // The minimal channels table: id serial primary key, name.
        #expect(try Self.columns(postgres, "channels").prefix(2) == ["id|integer||nextval('channels_id_seq'::regclass)", "name|text||"])
    }

    @Test func aPreExistingChannelsTableKeepsItsRowsAndColumns() async throws {
        let postgres = try await Postgres()
        try postgres.psql(
            """
            CREATE TABLE channels (id serial PRIMARY KEY, name varchar(100) NOT NULL, seller_id integer, stream_key_id varchar(100));
            INSERT INTO channels (name, seller_id, stream_key_id) VALUES ('seller_1', 11, 'key-a'), ('seller_2', 12, NULL);
            """)
        let before = try Self.columns(postgres, "channels")
        let connection = try PostgresConnection(url: DatabaseURL(postgres.url))
        let migrator = Migrator(connection: connection, migrations: try Migration.load(directory: repositoryMigrations))

        try migrator.up()
        try Self.expectSeedSchema(postgres)
        let rows = "1|seller_1|11|key-a\n2|seller_2|12|"
        #expect(try postgres.psql("SELECT id, name, seller_id, stream_key_id FROM channels ORDER BY id") == rows)
        #expect(try postgres.psql("SELECT stream_mode FROM channels ORDER BY id") == "agora-only\nagora-only")

        for _ in 1...6 { try migrator.down() }
        // Only what up added is gone: the table, its rows, its own columns (stream_key_id was
        // there before and stays) are as they were.
        #expect(try Self.columns(postgres, "channels") == before)
        #expect(try postgres.psql("SELECT id, name, seller_id, stream_key_id FROM channels ORDER BY id") == rows)
        #expect(try !Self.exists(postgres, "stream_metrics"))

        try migrator.up()
        try Self.expectSeedSchema(postgres)
        #expect(try postgres.psql("SELECT count(*) FROM channels") == "2")
    }

    @Test func statusListsAppliedAndPending() async throws {
        let postgres = try await Postgres()
        let connection = try PostgresConnection(url: DatabaseURL(postgres.url))
        let migrator = Migrator(connection: connection, migrations: try Migration.load(directory: repositoryMigrations))
        #expect(try migrator.status().map(\.appliedAt) == [nil, nil, nil, nil, nil, nil])
        try migrator.up()
        try migrator.down()
        let status = try migrator.status()
        #expect(status.map(\.version) == [1, 2, 3, 4, 5, 6])
        #expect(status[4].appliedAt != nil)
        #expect(status[5].appliedAt == nil)
        #expect(
            try postgres.psql("SELECT version, name FROM schema_migrations ORDER BY version")
                == "1|add_relay_fields\n2|relay_events\n3|relays\n4|relay_outputs\n5|relay_ingest_keys")
    }

    @Test func aFailingMigrationLeavesNothingBehind() async throws {
        let postgres = try await Postgres()
        let connection = try PostgresConnection(url: DatabaseURL(postgres.url))
        let broken = Migration(version: 1, name: "broken", up: "CREATE TABLE half (id int); SELECT nonsense FROM nowhere;", down: "")
        let migrator = Migrator(connection: connection, migrations: [broken])
        let error = #expect(throws: PostgresError.self) { try migrator.up() }
        #expect(error?.message.contains("relation \"nowhere\" does not exist") == true)
        #expect(error?.message.hasPrefix("migration 001_broken (up): ") == true)
        #expect(error?.sqlState == "42P01")
        #expect(try !Self.exists(postgres, "half"))
        #expect(try migrator.status().first?.appliedAt == nil)
    }

    @Test func anotherToolsSchemaMigrationsTableIsNamed() async throws {
        let postgres = try await Postgres()
        try postgres.psql("CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL)")
        let connection = try PostgresConnection(url: DatabaseURL(postgres.url))
        let migrator = Migrator(connection: connection, migrations: try Migration.load(directory: repositoryMigrations))
        let error = #expect(throws: PostgresError.self) { try migrator.up() }
        #expect(error?.message == "table schema_migrations exists but is not relaygate's: it lacks name, applied_at")
    }

    @Test func migrationFilesNeedBothSectionsInOrder() throws {
        #expect(throws: PostgresError.self) { try Migration(file: "001_x.sql", text: "-- migrate:up\nSELECT 1;\n") }
        #expect(throws: PostgresError.self) {
            try Migration(file: "001_x.sql", text: "-- migrate:down\nSELECT 1;\n-- migrate:up\nSELECT 2;\n")
        }
        #expect(throws: PostgresError.self) { try Migration(file: "x.sql", text: "-- migrate:up\nSELECT 1;\n-- migrate:down\n") }
        let migration = try Migration(file: "/m/007_add_things.sql", text: "-- note\n-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 2;\n")
        #expect(migration == Migration(version: 7, name: "add_things", up: "SELECT 1;", down: "SELECT 2;"))
    }
}
