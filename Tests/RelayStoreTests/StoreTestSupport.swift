import Foundation
import Logging
import RelayStore
import TestSupport

/// The repository's migrations/ (this file is Tests/RelayStoreTests/StoreTestSupport.swift).
let repositoryMigrations = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("migrations").path

let testLogger = Logger(label: "relaystore-test")

/// A connection to `postgres` with the repository's migrations applied.
func migratedConnection(_ postgres: Postgres) throws -> PostgresConnection {
    let connection = try PostgresConnection(url: DatabaseURL(postgres.url))
    try Migrator(connection: connection, migrations: try Migration.load(directory: repositoryMigrations)).up()
    return connection
}

/// psql output split into rows of columns.
func table(_ output: String) -> [[String]] {
    output.split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
}
