extension Postgres {
    /// A private PostgreSQL with every relaygate migration applied (`relaygate migrate up`),
    /// as the gateway runs against in production.
    public static func migrated() async throws -> Postgres {
        let postgres = try await Postgres()
        let migrated = try runProgram(RelaygateBinary.path, ["migrate", "up", "--database-url", postgres.url])
        guard migrated.status == 0 else { throw TestFailure("migrate up: \(migrated.stderr)") }
        return postgres
    }
}
