import Dispatch
import Foundation
public import RelayCore

/// The companions' `ResourceLedger` in PostgreSQL (`relay_resources`, migration 006). Each
/// call blocks on libpq, so calls run one at a time on a serial queue of the ledger's own,
/// never on the Swift concurrency pool; the connection is opened on first use and opened
/// again after it broke. A call that fails throws (the companion decides what that means):
/// a resource it created but could not record is still deleted by the companion at cleanup.
public final class PostgresLedger: ResourceLedger, @unchecked Sendable {
    // @unchecked: `connection` is only touched on `queue`.
    private let queue = DispatchQueue(label: "relaygate.ledger")
    private var connection: PostgresConnection?
    private let url: DatabaseURL
    private let connectTimeout: Int

    public init(url: DatabaseURL, connectTimeout: Int = 5) {
        self.url = url
        self.connectTimeout = connectTimeout
    }

    public func record(_ resource: ProvisionedResource) async throws {
        try await run { connection throws(PostgresError) in
            _ = try connection.execute(
                """
                INSERT INTO relay_resources (companion, platform, kind, resource_id, route, channel, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, to_timestamp($7::double precision) AT TIME ZONE 'UTC')
                ON CONFLICT (companion, resource_id) DO UPDATE SET platform = EXCLUDED.platform, kind = EXCLUDED.kind,
                    route = EXCLUDED.route, channel = EXCLUDED.channel
                """,
                parameters: [
                    resource.companion, resource.platform, resource.kind, resource.id, resource.route, resource.channel,
                    String(resource.createdAt.timeIntervalSince1970),
                ])
        }
    }

    public func forget(companion: String, id: String) async throws {
        try await run { connection throws(PostgresError) in
            _ = try connection.execute(
                "DELETE FROM relay_resources WHERE companion = $1 AND resource_id = $2", parameters: [companion, id])
        }
    }

    public func resources(of companion: String) async throws -> [ProvisionedResource] {
        try await run { connection throws(PostgresError) in
            let rows = try connection.execute(
                """
                SELECT companion, platform, kind, resource_id, route, channel,
                    extract(epoch FROM created_at AT TIME ZONE 'UTC') AS created
                FROM relay_resources WHERE companion = $1 ORDER BY created_at, id
                """, parameters: [companion])
            return rows.rows.indices.map { row in
                ProvisionedResource(
                    companion: rows.value(row, "companion") ?? companion, platform: rows.value(row, "platform"),
                    kind: rows.value(row, "kind") ?? "", id: rows.value(row, "resource_id") ?? "",
                    route: rows.value(row, "route") ?? "", channel: rows.value(row, "channel") ?? "",
                    createdAt: Date(timeIntervalSince1970: rows.value(row, "created").flatMap(Double.init) ?? 0))
            }
        }
    }

    /// Runs `body` on the queue with an open connection.
    private func run<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws(PostgresError) -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { () throws(PostgresError) -> T in try body(self.openConnection()) })
            }
        }
    }

    /// On `queue` only.
    private func openConnection() throws(PostgresError) -> PostgresConnection {
        if let connection, connection.isOpen { return connection }
        connection = nil
        let fresh = try PostgresConnection(url: url, connectTimeout: connectTimeout)
        connection = fresh
        return fresh
    }
}
