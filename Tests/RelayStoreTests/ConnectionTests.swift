import RelayStore
import TestSupport
import Testing

@Suite struct ConnectionTests {
    @Test func parametersAreBoundNotSpliced() async throws {
        let postgres = try await Postgres()
        let connection = try PostgresConnection(url: DatabaseURL(postgres.url))
        let tricky = "x'); DROP TABLE t; --"
        try connection.execute("CREATE TABLE t (v text)")
        try connection.execute("INSERT INTO t (v) VALUES ($1), ($2)", parameters: [tricky, nil])
        let rows = try connection.execute("SELECT v FROM t ORDER BY v NULLS LAST")
        #expect(rows.columns == ["v"])
        #expect(rows.rows == [[tricky], [nil]])
        #expect(try connection.execute("DELETE FROM t").affectedRows == 2)
    }

    @Test func aFailedStatementCarriesTheServersTextAndSQLState() async throws {
        let postgres = try await Postgres()
        let connection = try PostgresConnection(url: DatabaseURL(postgres.url))
        let error = #expect(throws: PostgresError.self) { try connection.execute("SELECT * FROM missing_table") }
        #expect(error?.kind == .query)
        #expect(error?.sqlState == "42P01")
        #expect(error?.description == "ERROR:  relation \"missing_table\" does not exist\nLINE 1: SELECT * FROM missing_table\n                      ^ (SQLSTATE 42P01)")
        #expect(connection.isOpen)
    }

    @Test func aWrongPasswordIsAClearErrorWithoutThePassword() async throws {
        let postgres = try await Postgres()
        let wrong = "not-the-password-42"
        let error = #expect(throws: PostgresError.self) {
            try PostgresConnection(url: DatabaseURL(postgres.url(database: "postgres", password: wrong)))
        }
        #expect(error?.kind == .connection)
        #expect(error?.message.contains("password authentication failed for user \"postgres\"") == true, "\(String(describing: error))")
        #expect(error?.message.hasPrefix("cannot connect to postgres://***@127.0.0.1:\(postgres.port)/postgres: ") == true)
        #expect(error?.message.contains(wrong) == false)
    }

    @Test func anUnreachableServerFailsWithinTheTimeoutWithoutThePassword() throws {
        let port = FreePort.next()
        let url = DatabaseURL("postgresql://relay:sup3r-secret@127.0.0.1:\(port)/relay?sslmode=disable")
        let error = #expect(throws: PostgresError.self) { try PostgresConnection(url: url, connectTimeout: 2) }
        #expect(error?.kind == .connection)
        #expect(error?.message.contains("Connection refused") == true, "\(String(describing: error))")
        #expect(error?.message.contains("sup3r-secret") == false)
        #expect(url.redacted == "postgresql://***@127.0.0.1:\(port)/relay?sslmode=***")
    }

    @Test func aBadURLIsRefusedByLibpq() {
        let error = #expect(throws: PostgresError.self) {
            try PostgresConnection(url: DatabaseURL("postgres://user:hunter22@[broken/db"))
        }
        #expect(error?.kind == .connection)
        #expect(error?.message.contains("hunter22") == false, "\(String(describing: error))")
    }
}
