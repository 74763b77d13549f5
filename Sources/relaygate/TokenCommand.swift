import Agora
import AgoraSource
import ArgumentParser
import Foundation
import RelayConfig
import RelayCore

/// `relaygate token`: an RTC token for the relay bot, the capture program that joins the
/// channel through Agora's server SDK and feeds a `rawpipe` source. Prints the token alone
/// so a script can capture it; never prints the certificate.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Print an Agora RTC token (AccessToken2) for joining a channel.",
        discussion:
            "The app ID and certificate come from --app-id/--app-certificate, else $AGORA_APP_ID/$AGORA_APP_CERTIFICATE, "
            + "else agora.app_id/agora.app_certificate of the config given with --config.")

    /// Agora caps token validity at 24 hours.
    static let maximumExpire: UInt32 = 86_400

    enum Role: String, ExpressibleByArgument, CaseIterable {
        case publisher, subscriber
    }

    @Option(help: "Channel name.")
    var channel: String

    @Option(help: "RTC uid the token is for; 0 lets any uid join.")
    var uid: UInt32

    @Option(help: "publisher (join and publish) or subscriber (join only).")
    var role: Role = .publisher

    @Option(help: "Seconds the token and its privileges stay valid (1 to \(maximumExpire)).")
    var expire: UInt32 = 3600

    @Option(help: "Agora app ID (32 hex characters). Default: $AGORA_APP_ID.")
    var appId: String?

    @Option(help: "Agora app certificate (32 hex characters). Default: $AGORA_APP_CERTIFICATE.")
    var appCertificate: String?

    @Option(name: .shortAndLong, help: "Config directory to read agora.app_id and agora.app_certificate from.")
    var config: String?

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        var agora: AgoraSettings?
        if let config {
            do {
                let loaded = try ConfigLoader(registry: CompiledPlugins.registry).load(directory: config)
                agora = loaded.settings.companions[AgoraCompanionPlugin.section].flatMap(AgoraSettings.init(json:))
            } catch {
                printErrors(error)
                throw ExitCode(2)
            }
        }
        guard (1...Self.maximumExpire).contains(expire) else {
            throw failure("--expire must be from 1 to \(Self.maximumExpire) seconds, got \(expire)")
        }
        guard let appID = Self.firstGiven(appId, environment["AGORA_APP_ID"], agora?.appID) else {
            throw failure("no app ID: give --app-id, set AGORA_APP_ID or agora.app_id (with --config)")
        }
        guard let certificate = Self.firstGiven(appCertificate, environment["AGORA_APP_CERTIFICATE"], agora?.appCertificate) else {
            throw failure("no app certificate: give --app-certificate, set AGORA_APP_CERTIFICATE or agora.app_certificate (with --config)")
        }
        let token: String
        do {
            token = try RTCTokenBuilder.build(
                appID: appID, appCertificate: certificate, channel: channel, uid: uid,
                role: role == .publisher ? .publisher : .subscriber, tokenExpire: expire, privilegeExpire: expire)
        } catch {
            // AgoraTokenError's text never contains the certificate.
            throw failure("\(error)")
        }
        print(token)
    }

    /// Prints `message` and gives the exit code for a refused request.
    private func failure(_ message: String) -> ExitCode {
        printError("relaygate token: \(message)")
        return ExitCode(2)
    }

    /// The first value that is set and not empty (an empty variable counts as unset).
    private static func firstGiven(_ values: String?...) -> String? {
        values.lazy.compactMap { $0 }.first { !$0.isEmpty }
    }
}
