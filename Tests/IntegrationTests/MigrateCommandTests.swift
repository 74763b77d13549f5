import Foundation
import TestSupport
import Testing

/// `relaygate migrate` end to end against a private PostgreSQL: output and exit codes.
@Suite struct MigrateCommandTests {
    static func migrate(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try runProgram(RelaygateBinary.path, ["migrate"] + arguments)
    }

    @Test func upStatusDownThroughTheConfig() async throws {
        let postgres = try await Postgres()
        let config = try TempDirectory("migrate-config")
        try config.write("relaygate.yaml", "database:\n  url: \"\(postgres.url)\"\n")

        let pending = try Self.migrate(["status", "--config", config.path])
        #expect(pending.status == 0, "\(pending.stderr)")
        #expect(
            pending.stdout
                == "001_add_relay_fields  pending\n002_relay_events  pending\n003_relays  pending\n004_relay_outputs  pending\n"
                + "005_relay_ingest_keys  pending\n006_relay_resources  pending\n")

        let up = try Self.migrate(["up", "--config", config.path])
        #expect(up.status == 0, "\(up.stderr)")
        #expect(
            up.stdout
                == "applied 001_add_relay_fields\napplied 002_relay_events\napplied 003_relays\napplied 004_relay_outputs\n"
                + "applied 005_relay_ingest_keys\napplied 006_relay_resources\n")
        let again = try Self.migrate(["up", "--config", config.path])
        #expect(again.stdout == "postgres://***@127.0.0.1:\(postgres.port)/postgres: up to date\n")

        let applied = try Self.migrate(["status", "--config", config.path])
        let lines = applied.stdout.split(separator: "\n")
        #expect(lines.count == 6)
        #expect(lines.allSatisfy { $0.contains("  applied 20") }, "\(applied.stdout)")

        let down = try Self.migrate(["down", "--database-url", postgres.url])
        #expect(down.status == 0, "\(down.stderr)")
        #expect(down.stdout == "reverted 006_relay_resources\n")
        #expect(try postgres.psql("SELECT to_regclass('relay_resources') IS NULL") == "t")
        for output in [pending, up, again, applied, down] {
            #expect(!(output.stdout + output.stderr).contains(postgres.password))
        }
    }

    @Test func failuresExitOneWithPostgresText() async throws {
        let postgres = try await Postgres()
        let wrong = try Self.migrate(["up", "--database-url", postgres.url(database: "postgres", password: "wrong-pass-77")])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("relaygate migrate up: cannot connect to postgres://***@127.0.0.1:"), "\(wrong.stderr)")
        #expect(wrong.stderr.contains("password authentication failed for user \"postgres\""), "\(wrong.stderr)")
        #expect(!wrong.stderr.contains("wrong-pass-77"))

        let migrations = try TempDirectory("migrations")
        try migrations.write("001_broken.sql", "-- migrate:up\nSELECT * FROM no_such_table;\n-- migrate:down\n")
        let broken = try Self.migrate(["up", "--database-url", postgres.url, "--migrations", migrations.path])
        #expect(broken.status == 1)
        #expect(
            broken.stderr.contains("migration 001_broken (up): ERROR:  relation \"no_such_table\" does not exist"),
            "\(broken.stderr)")
        #expect(broken.stderr.contains("(SQLSTATE 42P01)"))

        let noDatabase = try TempDirectory("migrate-config")
        try noDatabase.write("relaygate.yaml", "log_level: info\n")
        let unconfigured = try Self.migrate(["status", "--config", noDatabase.path])
        #expect(unconfigured.status == 1)
        #expect(unconfigured.stderr.contains("no database configured in \(noDatabase.path)/relaygate.yaml"))
    }
}
