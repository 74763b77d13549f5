import Foundation
import Logging
import RelayCore

/// Turns one `RelayRecord` into rows, in one transaction, on the recorder's thread:
///
/// - started: `channels` row → relay_status 'active', hls_playback_url, stream_mode 'hybrid',
///   relay_started_at, streaming_platform; plus a `relay_events` row;
/// - stopped: `channels` row → relay_status 'stopped', hls_playback_url NULL, stream_mode
///   'agora-only'; plus a `relay_events` row;
/// - failed (a crash loop): `channels` row → relay_status 'error', hls_playback_url NULL,
///   stream_mode 'agora-only'; plus a `relay_events` row with the reason;
/// - transition: a `relay_events` row;
/// - metrics: a `stream_metrics` row (with the Agora audience in `agora_viewers`), and each
///   output's latest status in `relay_outputs`;
/// - upstream: a `relay_events` row (event 'upstream': what Agora Media Push did or met);
/// - requested: the channel's `relays` row → desired, with route, seller and origin.
///
/// stopped and failed also mark the `relays` row not desired. `relays` (migration 003) is
/// written only when it exists, so a database migrated to 002 keeps working.
///
/// `channels` and `stream_metrics` need the record's channel id and an existing channel row.
/// Without an id, only `relay_events` is written (one warning per channel). A missing row is
/// inserted when our migration created `channels` (standalone: nobody else owns it), and
/// otherwise skipped with one warning per channel.
final class RecordWriter {
    private let logger: Logger
    /// Channel ids whose row is known to exist on this connection.
    private var knownChannels: Set<Int64> = []
    private var warned: Set<String> = []
    private var standalone = false
    private var hasRelaysTable = false
    /// Migration 005: `relays.ingest_key`.
    private var hasIngestKeys = false
    private var hasOutputsTable = false

    init(logger: Logger) { self.logger = logger }

    /// Called after each (re)connect: learns whether `channels` is ours.
    func prepare(_ connection: PostgresConnection) throws(PostgresError) {
        knownChannels = []
        hasRelaysTable = try connection.execute("SELECT to_regclass('relays') IS NOT NULL AS present").value(0, "present") == "t"
        hasIngestKeys = try PreviousRelays.hasIngestKeys(connection)
        hasOutputsTable =
            try connection.execute("SELECT to_regclass('relay_outputs') IS NOT NULL AS present").value(0, "present") == "t"
        let owned = try connection.execute(
            "SELECT to_regclass('relaygate_owned_objects') IS NOT NULL AS present").value(0, "present")
        guard owned == "t" else {
            standalone = false
            return
        }
        standalone = try !connection.execute(
            "SELECT 1 FROM relaygate_owned_objects WHERE object = 'table channels'").rows.isEmpty
    }

    func write(_ record: RelayRecord, on connection: PostgresConnection) throws(PostgresError) {
        try connection.transaction { () throws(PostgresError) in
            switch record.event {
            case .started(let playbackURL, let platform):
                if let id = try channelRow(record, connection) {
                    try connection.execute(
                        """
                        UPDATE channels SET relay_status = 'active', hls_playback_url = $2, stream_mode = 'hybrid',
                            relay_started_at = $3, streaming_platform = $4
                        WHERE id = $1
                        """, parameters: [String(id), playbackURL, Self.timestamp(record.time), platform])
                }
                try event(record, "started", from: nil, to: .active, reason: nil, detail: playbackURL, connection)
            case .playback(let url, let platform):
                if let id = try channelRow(record, connection) {
                    try connection.execute(
                        "UPDATE channels SET hls_playback_url = $2, streaming_platform = $3 WHERE id = $1 AND relay_status = 'active'",
                        parameters: [String(id), url, platform])
                }
                try event(record, "playback", from: nil, to: .active, reason: nil, detail: url, connection)
            case .stopped(let reason):
                try ended(record, status: "stopped", event: "stopped", state: .stopped, reason: reason, connection)
            case .failed(let reason):
                try ended(record, status: "error", event: "failed", state: .failed, reason: reason, connection)
            case .requested(let requestedRoute, let sellerUID, let fromConfig, let ingestKey):
                guard hasRelaysTable else { return }
                let parameters = [
                    record.channel, record.channelID.map { String($0) }, record.route, requestedRoute, sellerUID,
                    fromConfig ? "config" : "api", Self.timestamp(record.time),
                ]
                guard hasIngestKeys else {
                    try connection.execute(
                        """
                        INSERT INTO relays (channel, channel_id, route, requested_route, seller_uid, origin, desired, updated_at)
                        VALUES ($1, $2, $3, $4, $5, $6, true, $7)
                        ON CONFLICT (channel) DO UPDATE SET channel_id = $2, route = $3, requested_route = $4,
                            seller_uid = $5, origin = $6, desired = true, updated_at = $7
                        """, parameters: parameters)
                    return
                }
                try connection.execute(
                    """
                    INSERT INTO relays (channel, channel_id, route, requested_route, seller_uid, origin, desired, updated_at, ingest_key)
                    VALUES ($1, $2, $3, $4, $5, $6, true, $7, $8)
                    ON CONFLICT (channel) DO UPDATE SET channel_id = $2, route = $3, requested_route = $4,
                        seller_uid = $5, origin = $6, desired = true, updated_at = $7, ingest_key = $8
                    """, parameters: parameters + [ingestKey])
            case .transition(let from, let to, let reason, let detail):
                try event(record, "transition", from: from, to: to, reason: reason, detail: detail, connection)
            case .upstream(let state, let reason, let detail):
                try event(record, "upstream", from: state, to: state, reason: reason, detail: detail, connection)
            case .metrics(let bitrateKbps, _, let health, let outputs, let viewers, let hlsViewers):
                try outputStatus(record, outputs, connection)
                if let id = try channelRow(record, connection) {
                    // The viewer columns keep their default (0) when nobody counts them.
                    try connection.execute(
                        """
                        INSERT INTO stream_metrics (channel_id, "timestamp", bitrate_kbps, relay_health, agora_viewers, hls_viewers)
                        VALUES ($1, $2, $3, $4, COALESCE($5::integer, 0), COALESCE($6::integer, 0))
                        """,
                        parameters: [
                            String(id), Self.timestamp(record.time), String(Int(bitrateKbps.rounded())), health.rawValue,
                            viewers.map { String($0) }, hlsViewers.map { String($0) },
                        ])
                }
            }
        }
    }

    /// The relay ended for good (`status` 'stopped', or 'error' for a crash loop): the channel
    /// falls back to Agora only, the event is kept, and the relay is no longer wanted.
    private func ended(
        _ record: RelayRecord, status: String, event kind: String, state: RelayState, reason: String,
        _ connection: PostgresConnection
    ) throws(PostgresError) {
        if let id = try channelRow(record, connection) {
            try connection.execute(
                """
                UPDATE channels SET relay_status = $2, hls_playback_url = NULL, stream_mode = 'agora-only'
                WHERE id = $1
                """, parameters: [String(id), status])
        }
        try event(record, kind, from: nil, to: state, reason: reason, detail: nil, connection)
        if hasOutputsTable {
            // Outputs that had not failed ended with their relay.
            try connection.execute(
                """
                UPDATE relay_outputs SET state = 'finished', connected_since = NULL, updated_at = $2
                WHERE channel = $1 AND state <> 'failed'
                """, parameters: [record.channel, Self.timestamp(record.time)])
        }
        guard hasRelaysTable else { return }
        try connection.execute(
            "UPDATE relays SET desired = false, updated_at = $2 WHERE channel = $1",
            parameters: [record.channel, Self.timestamp(record.time)])
    }

    /// Upserts each output's status (needs migration 004; without it, nothing is written).
    private func outputStatus(
        _ record: RelayRecord, _ outputs: [RelayStats.Output], _ connection: PostgresConnection
    ) throws(PostgresError) {
        guard hasOutputsTable else { return }
        for output in outputs {
            try connection.execute(
                """
                INSERT INTO relay_outputs (channel, output, channel_id, route, state, retries, last_retry_at, last_error,
                    error_class, bytes_out, connected_since, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                ON CONFLICT (channel, output) DO UPDATE SET channel_id = $3, route = $4, state = $5, retries = $6,
                    last_retry_at = $7, last_error = $8, error_class = $9, bytes_out = $10, connected_since = $11,
                    updated_at = $12
                """,
                parameters: [
                    record.channel, output.name, record.channelID.map { String($0) }, record.route,
                    output.state.rawValue, String(output.retries), output.lastRetryAt.map(Self.timestamp),
                    output.lastError, output.errorClass?.rawValue, String(output.bytes),
                    output.connectedSince.map(Self.timestamp), Self.timestamp(record.time),
                ])
        }
    }

    /// A write failed on a row (not the connection): forget what we believed about channels.
    func forgetChannels() { knownChannels = [] }

    private func event(
        _ record: RelayRecord, _ kind: String, from: RelayState?, to: RelayState, reason: String?, detail: String?,
        _ connection: PostgresConnection
    ) throws(PostgresError) {
        try connection.execute(
            """
            INSERT INTO relay_events (channel_id, channel, route, event, from_state, to_state, reason, detail, at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """,
            parameters: [
                record.channelID.map { String($0) }, record.channel, record.route, kind, from?.rawValue, to.rawValue, reason,
                detail, Self.timestamp(record.time),
            ])
    }

    /// The channel's id when its row exists (or was just created in standalone mode).
    private func channelRow(_ record: RelayRecord, _ connection: PostgresConnection) throws(PostgresError) -> Int64? {
        guard let id = record.channelID else {
            warnOnce(record.channel, "relay \(record.channel) has no channel id: only relay_events are written for it")
            return nil
        }
        if knownChannels.contains(id) { return id }
        let exists = try !connection.execute("SELECT 1 FROM channels WHERE id = $1", parameters: [String(id)]).rows.isEmpty
        if !exists {
            guard standalone else {
                warnOnce(
                    record.channel,
                    "channel id \(id) (\(record.channel)) is not in the channels table: its relay state and metrics are not written")
                return nil
            }
            try connection.execute(
                "INSERT INTO channels (id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING", parameters: [String(id), record.channel])
            // An explicit id bypasses the serial: move it past, so later inserts by others do not collide.
            try connection.execute(
                "SELECT setval(pg_get_serial_sequence('channels', 'id'), (SELECT max(id) FROM channels))")
        }
        knownChannels.insert(id)
        return id
    }

    private func warnOnce(_ channel: String, _ message: String) {
        guard warned.insert(channel).inserted else { return }
        logger.warning("\(message)")
    }

    /// UTC, microseconds: what a `timestamp` (without time zone) column holds in a UTC session.
    static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        let micros = Int(((date.timeIntervalSince1970 - Double(seconds)) * 1_000_000).rounded())
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        // micros may round up to 1_000_000; clamp rather than carry, a microsecond is noise here.
        let fraction = pad(Int32(min(micros, 999_999)), 6)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2)) "
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(fraction)"
    }
}
