public import Foundation

/// A converter as Create, Update and Get answer it. Get's examples are wrapped in
/// `{"converter": …}` for raw converters and bare for transcoded ones (a documented
/// inconsistency), so both shapes are read.
public struct ConverterInfo: Sendable, Equatable {
    public var id: String
    public var name: String?
    /// `connecting`, `running` or `failed`.
    public var state: String?
    public var rtmpURL: String?
    public var createTs: Int64?

    public init(id: String, name: String? = nil, state: String? = nil, rtmpURL: String? = nil, createTs: Int64? = nil) {
        self.id = id
        self.name = name
        self.state = state
        self.rtmpURL = rtmpURL
        self.createTs = createTs
    }

    public static func decode(_ data: Data) throws -> ConverterInfo {
        let object = try AgoraJSON.object(data)
        let converter = (object["converter"] as? [String: Any]) ?? object
        guard let id = AgoraJSON.string(converter["id"]), !id.isEmpty else {
            throw AgoraJSON.Malformed(message: "converter response has no \"id\"")
        }
        return ConverterInfo(
            id: id, name: AgoraJSON.string(converter["name"]), state: AgoraJSON.string(converter["state"]),
            rtmpURL: AgoraJSON.string(converter["rtmpUrl"]), createTs: AgoraJSON.int(converter["createTs"]))
    }
}
