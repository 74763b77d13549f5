import RelayCore

// Replaced by the MediaEngine-based implementation.
final class PullSource: MediaSource {
    init(options: PullSourcePlugin.Options, context: StageContext) throws { throw RelayError(.internal, "pending") }
    func open() throws -> [StreamInfo] { [] }
    func read() throws -> MediaPacket? { nil }
    func close() {}
    var displayName: String { "" }
}
