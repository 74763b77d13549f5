import Agora
import Logging

/// The Media Push calls a converter's lifecycle makes: `MediaPushClient` over HTTPS, or a
/// scripted stand-in in unit tests.
protocol MediaPushCalls: Sendable {
    func create(_ body: ConverterRequest, logger: Logger) async throws(MediaPushError) -> ConverterInfo
    func get(_ id: String, logger: Logger) async throws(MediaPushError) -> ConverterInfo
    func delete(_ id: String, logger: Logger) async throws(MediaPushError)
    func list(channel: String?, logger: Logger) async throws(MediaPushError) -> [ConverterList.Member]
}

extension MediaPushClient: MediaPushCalls {}
