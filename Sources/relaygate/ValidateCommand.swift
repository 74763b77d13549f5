import ArgumentParser
import RelayConfig
import RelayCore

/// `relaygate validate`: like `nginx -t`. Exit 0 and one summary line, or exit 1 and every
/// problem as `path:line:col: message`.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check a config directory and report every problem.")

    @Option(name: .shortAndLong, help: "Config directory (relaygate.yaml and conf.d/).")
    var config: String = "/etc/relaygate"

    func run() throws {
        do {
            let loaded = try ConfigLoader(registry: CompiledPlugins.registry).load(directory: config)
            // Not errors: what the plugins want ops to know before it runs.
            for note in loaded.notes { print("\(note.location.map { "\($0): " } ?? "")note: \(note.message)") }
            print(
                "\(config): configuration ok: \(loaded.routes.count) route(s) (\(loaded.staticRoutes.count) static), "
                    + "\(loaded.profiles.count) profile(s), \(loaded.platforms.count) platform(s)")
        } catch {
            printErrors(error)
            throw ExitCode(1)
        }
    }
}

/// Prints config problems to stderr, one per line, and a count.
func printErrors(_ errors: ConfigErrors) {
    for diagnostic in errors.diagnostics { printError(diagnostic.description) }
    printError("\(errors.diagnostics.count) error(s); configuration is not valid")
}

func printError(_ line: String) {
    var stderr = StandardError()
    print(line, to: &stderr)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileDescriptorOutput.write(2, string)
    }
}
