import Foundation

/// What PostgreSQL says was running when the gateway last stopped (or died): read once at
/// boot, so the gateway can resume those relays or say why it does not.
public struct PreviousRelays: Sendable {
    /// A `relays` row still marked desired.
    public struct Relay: Sendable, Equatable {
        public var channel: String
        public var channelID: Int64?
        public var route: String
        /// The route an API client asked for; nil: the first matching route.
        public var requestedRoute: String?
        public var sellerUID: String?
        /// A route's fixed channel (the config starts it) rather than an API request.
        public var fromConfig: Bool
        /// The stream key the gateway made up for it, if its source is pushed to (migration 005).
        public var ingestKey: String?
    }

    /// A `channels` row still 'active' that no desired `relays` row covers (state left by a
    /// gateway before migration 003, for instance), with its last relay's channel and route.
    public struct ActiveChannel: Sendable, Equatable {
        public var id: Int64
        public var channel: String
        public var route: String
    }

    public var relays: [Relay]
    public var activeChannels: [ActiveChannel]

    /// Whether migration 005 (`relays.ingest_key`) is applied.
    static func hasIngestKeys(_ connection: PostgresConnection) throws(PostgresError) -> Bool {
        try connection.execute(
            """
            SELECT count(*) AS n FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = 'relays' AND column_name = 'ingest_key'
            """
        ).value(0, "n") == "1"
    }

    /// Blocking (libpq): call it from a thread of its own. Nil when migration 003 (the
    /// `relays` table) is not applied: there is nothing to resume from.
    public static func read(url: DatabaseURL, connectTimeout: Int = 5) throws(PostgresError) -> PreviousRelays? {
        let connection = try PostgresConnection(url: url, connectTimeout: connectTimeout)
        let present = try connection.execute("SELECT to_regclass('relays') IS NOT NULL AS present").value(0, "present")
        guard present == "t" else { return nil }
        let ingestKey = try hasIngestKeys(connection) ? "ingest_key" : "NULL AS ingest_key"
        let relays = try connection.execute(
            """
            SELECT channel, channel_id, route, requested_route, seller_uid, origin, \(ingestKey) FROM relays
            WHERE desired ORDER BY channel
            """)
        let channels = try connection.execute(
            """
            SELECT c.id, coalesce(e.channel, 'channel ' || c.id) AS channel, coalesce(e.route, '-') AS route
            FROM channels c
            LEFT JOIN LATERAL (
                SELECT channel, route FROM relay_events WHERE channel_id = c.id ORDER BY id DESC LIMIT 1
            ) e ON true
            WHERE c.relay_status = 'active' AND NOT EXISTS (SELECT 1 FROM relays r WHERE r.channel_id = c.id AND r.desired)
            ORDER BY c.id
            """)
        return PreviousRelays(
            relays: relays.rows.indices.map { row in
                Relay(
                    channel: relays.value(row, "channel") ?? "", channelID: relays.value(row, "channel_id").flatMap { Int64($0) },
                    route: relays.value(row, "route") ?? "", requestedRoute: relays.value(row, "requested_route"),
                    sellerUID: relays.value(row, "seller_uid"), fromConfig: relays.value(row, "origin") == "config",
                    ingestKey: relays.value(row, "ingest_key"))
            },
            activeChannels: channels.rows.indices.compactMap { row in
                guard let id = channels.value(row, "id").flatMap({ Int64($0) }) else { return nil }
                return ActiveChannel(
                    id: id, channel: channels.value(row, "channel") ?? "", route: channels.value(row, "route") ?? "-")
            })
    }
}
