import ArgumentParser
import Foundation
import RelayConfig
import RelayDaemon
import RelayStore

/// `relaygate migrate up|down|status`: the PostgreSQL schema. Exit 0, or 1 with
/// PostgreSQL's own error text on stderr (the URL's password never shown).
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply (up), revert the latest (down) or list (status) database migrations.")

    enum Action: String, ExpressibleByArgument, CaseIterable {
        case up, down, status
    }

    @Argument(help: "up, down or status.")
    var action: Action

    @Option(name: .shortAndLong, help: "Config directory; its relaygate.yaml's database.url is used.")
    var config: String = "/etc/relaygate"

    @Option(help: "PostgreSQL URL (postgres://user:password@host:port/db); overrides the config.")
    var databaseURL: String?

    @Option(
        help: ArgumentHelp(
            "Directory of NNN_name.sql files.",
            discussion: "Default: \(MigrationsDirectory.installed) when it exists, else the repository's migrations/."))
    var migrations: String?

    func run() async throws {
        let (action, config, databaseURL, migrations) = (action, config, databaseURL, migrations)
        try await DedicatedThread.run(name: "relaygate-migrate") {
            try Self.perform(action, config: config, databaseURL: databaseURL, migrations: migrations)
        }
    }

    private static func perform(_ action: Action, config: String, databaseURL: String?, migrations: String?) throws {
        do {
            let url = try resolveURL(config: config, databaseURL: databaseURL)
            let directory = migrations ?? MigrationsDirectory.default()
            let migrator = Migrator(
                connection: try PostgresConnection(url: url), migrations: try Migration.load(directory: directory))
            switch action {
            case .up:
                let applied = try migrator.up()
                for migration in applied { print("applied \(migration.label)") }
                if applied.isEmpty { print("\(url.redacted): up to date") }
            case .down:
                if let reverted = try migrator.down() {
                    print("reverted \(reverted.label)")
                } else {
                    print("\(url.redacted): no migration is applied")
                }
            case .status:
                for entry in try migrator.status() {
                    let state = entry.appliedAt.map { "applied \($0)" } ?? "pending"
                    print("\(Migration.label(entry.version, entry.name))  \(state)\(entry.fileMissing ? " (file missing)" : "")")
                }
            }
        } catch let error as PostgresError {
            printError("relaygate migrate \(action.rawValue): \(error)")
            throw ExitCode(1)
        }
    }

    private static func resolveURL(config: String, databaseURL: String?) throws -> DatabaseURL {
        if let databaseURL { return DatabaseURL(databaseURL) }
        let loaded: GatewayConfig
        do {
            loaded = try ConfigLoader(registry: CompiledPlugins.registry).load(directory: config)
        } catch {
            printErrors(error)
            throw ExitCode(1)
        }
        guard let database = loaded.settings.database else {
            printError("relaygate migrate: no database configured in \(config)/relaygate.yaml; give --database-url")
            throw ExitCode(1)
        }
        return DatabaseURL(database.url)
    }
}

/// Where the SQL files are when `--migrations` is not given.
enum MigrationsDirectory {
    static let installed = "/usr/share/relaygate/migrations"

    /// The installed copy, else `migrations/` of the source tree this binary was built in
    /// (found upwards from the executable: `.build/…/debug/relaygate`), else `./migrations`.
    static func `default`() -> String {
        if FileManager.default.fileExists(atPath: installed) { return installed }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("migrations")
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path),
                FileManager.default.fileExists(atPath: candidate.path)
            {
                return candidate.path
            }
            directory.deleteLastPathComponent()
        }
        return "migrations"
    }
}
