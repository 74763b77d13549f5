public import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension FakeCloudflare {
    /// A live input notification's `data.event_type` (reference §1.5).
    public enum NotificationEvent: Sendable, Equatable {
        case connected
        case disconnected
        /// `live_input.errored` with `live_input_errored.error.{code, message}`.
        case errored(code: String, message: String)

        var wireName: String {
            switch self {
            case .connected: "live_input.connected"
            case .disconnected: "live_input.disconnected"
            case .errored: "live_input.errored"
            }
        }
    }

    /// The body Cloudflare Notifications sends, laid out as the docs' example:
    /// `{name, text, data: {notification_name, input_id, event_type, updated_at,
    /// live_input_errored?}, ts}`.
    public static func notificationBody(inputID: String, event: NotificationEvent, at date: Date = Date()) -> [UInt8] {
        let updatedAt = timestamp(date)
        var data: [(String, JSONValue)] = [
            ("notification_name", "Stream Live Input"), ("input_id", .string(inputID)),
            ("event_type", .string(event.wireName)), ("updated_at", .string(updatedAt)),
        ]
        if case .errored(let code, let message) = event {
            data.append(
                ("live_input_errored", ["error": ["code": .string(code), "message": .string(message)], "video_codec": "", "audio_codec": ""]))
        }
        let text = "Notification type: Stream Live Input\nInput ID: \(inputID)\nEvent type: \(event.wireName)\nUpdated at: \(updatedAt)"
        let body: JSONValue = [
            "name": "relaygate live inputs", "text": .string(text), "data": .object(data), "ts": .int(Int64(date.timeIntervalSince1970)),
        ]
        return body.bytes
    }

    /// POSTs a notification about `inputID` to `url` with `cf-webhook-auth: secret` (no
    /// header when nil). Returns the HTTP status, 0 when no answer came.
    @discardableResult
    public func sendNotification(inputID: String, event: NotificationEvent, to url: String, secret: String?) async -> Int {
        await sender.post(Self.notificationBody(inputID: inputID, event: event), to: url, secret: secret)
    }

    /// POSTs any bytes as a notification (malformed bodies, for receiver tests).
    @discardableResult
    public func sendRawNotification(_ body: [UInt8], to url: String, secret: String?) async -> Int {
        await sender.post(body, to: url, secret: secret)
    }
}

/// Delivers notifications over HTTP like Cloudflare Notifications: one POST of the exact
/// bytes, `Content-Type: application/json`, the destination's secret in `cf-webhook-auth`.
struct LiveInputNotificationSender: Sendable {
    private let session: URLSession

    init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 10
        session = URLSession(configuration: configuration)
    }

    func post(_ body: [UInt8], to url: String, secret: String?) async -> Int {
        guard let target = URL(string: url) else { return 0 }
        var request = URLRequest(url: target)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let secret { request.setValue(secret, forHTTPHeaderField: "cf-webhook-auth") }
        guard let (_, response) = try? await session.data(for: request), let http = response as? HTTPURLResponse else { return 0 }
        return http.statusCode
    }
}
