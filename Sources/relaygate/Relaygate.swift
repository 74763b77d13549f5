import ArgumentParser

@main
struct Relaygate: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "relaygate",
        abstract: "Relays live seller streams to RTMP(S) platforms.",
        version: version,
        subcommands: [
            RunCommand.self, StatusCommand.self, ValidateCommand.self, ReloadCommand.self, MigrateCommand.self,
            RelayCommand.self, TokenCommand.self, VersionCommand.self, WorkerCommand.self,
        ]
    )
}
