public import Foundation

/// One page of List (all converters of the project, or of one channel). The documented
/// table says numbers where the example shows strings; both are read. A `cursor` of 0 (or
/// none) means the list is complete.
public struct ConverterList: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        public var id: String
        public var name: String?
        public var channel: String?
        public var state: String?
        public var rtmpURL: String?
    }

    public var members: [Member]
    public var cursor: Int64

    public static func decode(_ data: Data) throws -> ConverterList {
        let object = try AgoraJSON.object(data)
        guard let body = object["data"] as? [String: Any] else {
            throw AgoraJSON.Malformed(message: "converter list has no \"data\"")
        }
        let members = (body["members"] as? [[String: Any]] ?? []).compactMap { member -> Member? in
            guard let id = AgoraJSON.string(member["converterId"]) else { return nil }
            return Member(
                id: id, name: AgoraJSON.string(member["converterName"]), channel: AgoraJSON.string(member["rtcChannel"]),
                state: AgoraJSON.string(member["state"]), rtmpURL: AgoraJSON.string(member["rtmpUrl"]))
        }
        return ConverterList(members: members, cursor: AgoraJSON.int(body["cursor"]) ?? 0)
    }
}
