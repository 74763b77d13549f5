public import Foundation

extension FakeAgora {
    /// A converter as a test sees it.
    public struct Converter: Sendable {
        public let id: String
        public let name: String?
        public let channel: String
        /// The users it carries (raw: the one `rtcStreamUid`); empty when it mixes everyone.
        public let uids: [UInt32]
        public let rtmpURL: String
        public let raw: Bool
        /// connecting, running or failed.
        public let state: String
        public let idleTimeout: Int
        public let createdAt: Date
    }
}

/// A live converter inside the fake: its configuration, lifecycle and pushing ffmpeg.
struct ConverterRecord {
    let id: String
    var spec: ConverterSpec
    let createdAt: Date
    var updatedAt: Date
    var state = "connecting"
    /// Since when no source user has been broadcasting; nil while one is.
    var idleSince: Date?
    var pusher: ChildProcess?
    var pusherStartedAt: Date?
    /// Agora's converter retries its RTMP leg; the fake waits this long after a crash.
    var restartAt: Date?
    /// The largest PATCH `sequence` applied.
    var sequence: Int64?

    var createTs: Int64 { Int64(createdAt.timeIntervalSince1970) }
    var updateTs: Int64 { Int64(updatedAt.timeIntervalSince1970) }

    var publicValue: FakeAgora.Converter {
        FakeAgora.Converter(
            id: id, name: spec.name, channel: spec.channel, uids: spec.uids, rtmpURL: spec.rtmpURL, raw: spec.raw,
            state: state, idleTimeout: spec.idleTimeout, createdAt: createdAt)
    }

    /// `{id, createTs, updateTs, state}`: the Create and Update response, NCS 5/3's converter.
    var summary: JSONValue {
        ["id": .string(id), "createTs": .int(createTs), "updateTs": .int(updateTs), "state": .string(state)]
    }

    /// The whole converter, as Get and NCS 5/1 show it.
    var full: JSONValue {
        var members: [(String, JSONValue)] = [("id", .string(id))]
        members += spec.config.members ?? []
        members += [("createTs", .int(createTs)), ("updateTs", .int(updateTs)), ("state", .string(state))]
        return .object(members)
    }
}
