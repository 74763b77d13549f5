import ArgumentParser
import MediaEngine
import RelayConfig

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print versions.")

    func run() {
        print("relaygate \(Relaygate.version)")
        for (library, version) in MediaLibraries.versions + [("libyaml", YAMLLibrary.version)] {
            print("  \(library) \(version)")
        }
    }
}
