import Foundation

/// A live input notification as Cloudflare Notifications delivers it (reference §1.5):
/// `{name, text, data: {notification_name, input_id, event_type, updated_at,
/// live_input_errored?}, ts}`.
public struct LiveInputNotification: Sendable, Equatable {
    /// The live input it is about.
    public var inputID: String
    public var event: LiveInputEvent
    /// As sent, e.g. `2022-01-13T11:43:41.855717910Z`.
    public var updatedAt: String?
    /// The notification policy's name.
    public var name: String?
    /// Unix seconds at sending.
    public var ts: Int?

    public init(inputID: String, event: LiveInputEvent, updatedAt: String?, name: String?, ts: Int?) {
        self.inputID = inputID
        self.event = event
        self.updatedAt = updatedAt
        self.name = name
        self.ts = ts
    }
}

/// `data.event_type`, typed.
public enum LiveInputEvent: Sendable, Equatable {
    /// `live_input.connected`: a broadcast reached the input.
    case connected
    /// `live_input.disconnected`.
    case disconnected
    /// `live_input.errored`, with `live_input_errored.error.code` (e.g.
    /// `ERR_GOP_OUT_OF_RANGE`, `ERR_UNSUPPORTED_VIDEO_CODEC`, `ERR_UNSUPPORTED_AUDIO_CODEC`,
    /// `ERR_STORAGE_QUOTA_EXHAUSTED`) and its message when sent.
    case errored(code: String?, message: String?)
    /// An event type this library does not know yet, as sent (acknowledge, do not act).
    case other(String)
}

extension LiveInputNotification {
    private struct Wire: Decodable {
        struct Data: Decodable {
            var input_id: String
            var event_type: String
            var updated_at: String?
            var live_input_errored: Errored?
        }

        struct Errored: Decodable {
            struct Detail: Decodable {
                var code: String?
                var message: String?
            }
            var error: Detail?
        }

        var name: String?
        var data: Data
        var ts: Int?
    }

    /// Reads a notification body; throws `.malformed` saying what is missing.
    static func decode(_ body: [UInt8]) throws(LiveInputWebhookError) -> LiveInputNotification {
        let wire: Wire
        do { wire = try JSONDecoder().decode(Wire.self, from: Data(body)) } catch {
            throw .malformed(Self.reason(error))
        }
        guard !wire.data.input_id.isEmpty else { throw .malformed("data.input_id is empty") }
        let event: LiveInputEvent =
            switch wire.data.event_type {
            case "live_input.connected": .connected
            case "live_input.disconnected": .disconnected
            case "live_input.errored":
                .errored(code: wire.data.live_input_errored?.error?.code, message: wire.data.live_input_errored?.error?.message)
            default: .other(wire.data.event_type)
            }
        return LiveInputNotification(
            inputID: wire.data.input_id, event: event, updatedAt: wire.data.updated_at, name: wire.name, ts: wire.ts)
    }

    /// A short reason naming the field, without quoting the body.
    private static func reason(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return "not JSON" }
        func path(_ context: DecodingError.Context, _ key: (any CodingKey)? = nil) -> String {
            (context.codingPath + (key.map { [$0] } ?? [])).map(\.stringValue).joined(separator: ".")
        }
        switch decoding {
        case .keyNotFound(let key, let context): return "\(path(context, key)) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return context.codingPath.isEmpty ? "the body has the wrong type" : "\(path(context)) has the wrong type"
        case .dataCorrupted(let context): return context.codingPath.isEmpty ? "not JSON" : "\(path(context)) is unreadable"
        @unknown default: return "unreadable"
        }
    }
}
