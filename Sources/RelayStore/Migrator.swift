/// Applies and reverts `Migration`s, one transaction each, tracked in
/// `schema_migrations(version, name, applied_at)`.
///
/// Each step takes a transaction-scoped advisory lock and re-reads the history under it, so
/// two `relaygate migrate` runs at once apply every migration exactly once.
public final class Migrator {
    public struct Entry: Sendable, Equatable {
        public var version: Int
        public var name: String
        /// When it was applied (UTC, as PostgreSQL prints it); nil while pending.
        public var appliedAt: String?
        /// Applied, but no file in the directory has its version any more.
        public var fileMissing: Bool
    }

    private let connection: PostgresConnection
    public let migrations: [Migration]

    /// Any number, as long as every relaygate uses the same: pg_advisory_xact_lock's key.
    private static let lockKey = "4242017"

    public init(connection: PostgresConnection, migrations: [Migration]) {
        self.connection = connection
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// Every migration, applied or pending, by version.
    public func status() throws(PostgresError) -> [Entry] {
        try ensureHistoryTable()
        let applied = try appliedMigrations()
        var entries = migrations.map { migration in
            Entry(
                version: migration.version, name: migration.name,
                appliedAt: applied.first { $0.version == migration.version }?.appliedAt, fileMissing: false)
        }
        for row in applied where !migrations.contains(where: { $0.version == row.version }) {
            entries.append(Entry(version: row.version, name: row.name, appliedAt: row.appliedAt, fileMissing: true))
        }
        return entries.sorted { $0.version < $1.version }
    }

    /// Applies every pending migration in order; returns those applied (empty: up to date).
    @discardableResult
    public func up() throws(PostgresError) -> [Migration] {
        try ensureHistoryTable()
        var done: [Migration] = []
        for migration in migrations {
            let applied = try connection.transaction { () throws(PostgresError) -> Bool in
                try lock()
                guard try !isApplied(migration.version) else { return false }
                try run(migration.up, of: migration, direction: "up")
                try connection.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                    parameters: [String(migration.version), migration.name])
                return true
            }
            if applied { done.append(migration) }
        }
        return done
    }

    /// Reverts the latest applied migration; nil when none is applied.
    @discardableResult
    public func down() throws(PostgresError) -> Migration? {
        try ensureHistoryTable()
        return try connection.transaction { () throws(PostgresError) -> Migration? in
            try lock()
            guard let latest = try appliedMigrations().last else { return nil }
            guard let migration = migrations.first(where: { $0.version == latest.version }) else {
                throw PostgresError(
                    .migration, "migration \(Migration.label(latest.version, latest.name)) is applied but its file is missing; cannot revert it")
            }
            try run(migration.down, of: migration, direction: "down")
            try connection.execute("DELETE FROM schema_migrations WHERE version = $1", parameters: [String(migration.version)])
            return migration
        }
    }

    private func run(_ sql: String, of migration: Migration, direction: String) throws(PostgresError) {
        guard !sql.isEmpty else { return }
        do {
            try connection.executeScript(sql)
        } catch {
            throw PostgresError(
                error.kind, "migration \(migration.label) (\(direction)): \(error.message)",
                sqlState: error.sqlState)
        }
    }

    private func ensureHistoryTable() throws(PostgresError) {
        try connection.execute(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                applied_at timestamp NOT NULL DEFAULT now()
            )
            """)
        // Another tool's table of the same name would fail later with a puzzling message.
        let columns = try connection.execute(
            """
            SELECT column_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = 'schema_migrations'
            """
        ).rows.compactMap { $0.first ?? nil }
        let missing = ["version", "name", "applied_at"].filter { !columns.contains($0) }
        guard missing.isEmpty else {
            throw PostgresError(
                .migration,
                "table schema_migrations exists but is not relaygate's: it lacks \(missing.joined(separator: ", "))")
        }
    }

    private func lock() throws(PostgresError) {
        try connection.execute("SELECT pg_advisory_xact_lock($1)", parameters: [Self.lockKey])
    }

    private func isApplied(_ version: Int) throws(PostgresError) -> Bool {
        try !connection.execute("SELECT 1 FROM schema_migrations WHERE version = $1", parameters: [String(version)]).rows.isEmpty
    }

    private func appliedMigrations() throws(PostgresError) -> [(version: Int, name: String, appliedAt: String)] {
        let result = try connection.execute(
            "SELECT version, name, to_char(applied_at, 'YYYY-MM-DD HH24:MI:SS') AS applied_at FROM schema_migrations ORDER BY version")
        return result.rows.indices.compactMap { row in
            guard let version = result.value(row, "version").flatMap({ Int($0) }) else { return nil }
            return (version, result.value(row, "name") ?? "", result.value(row, "applied_at") ?? "")
        }
    }
}
