import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `relaygate status`: the relays of a running gateway, as a table, read from its API.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Print the relays of a running gateway (from its control API).")

    @Option(help: "Base URL of the control API.")
    var api: String = "http://127.0.0.1:8088"

    @Option(help: "Bearer token (read scope is enough). Default: $RELAYGATE_TOKEN.")
    var token: String?

    func run() async throws {
        guard let token = token ?? ProcessInfo.processInfo.environment["RELAYGATE_TOKEN"], !token.isEmpty else {
            printError("relaygate status: no token; pass --token or set RELAYGATE_TOKEN")
            throw ExitCode(2)
        }
        guard let url = URL(string: api.hasSuffix("/") ? api + "v1/relays" : api + "/v1/relays") else {
            printError("relaygate status: --api \"\(api)\" is not a URL")
            throw ExitCode(2)
        }
        var request = URLRequest(url: url, timeoutInterval: 10)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            printError("relaygate status: \(url.absoluteString): \(error.localizedDescription)")
            throw ExitCode(1)
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else {
            let message = (try? JSONDecoder().decode(ErrorBody.self, from: data))?.error.message ?? "no details"
            printError("relaygate status: HTTP \(status): \(message)")
            throw ExitCode(1)
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let list = try decoder.decode(StatusTable.List.self, from: data)
        print(StatusTable.render(list.relays), terminator: "")
    }

    private struct ErrorBody: Decodable {
        struct Detail: Decodable { var message: String }
        var error: Detail
    }
}
