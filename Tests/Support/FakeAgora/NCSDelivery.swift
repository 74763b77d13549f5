import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// How NCS POSTs one notification (reference §2.1): success is HTTP 200 within 10 s;
/// otherwise it resends at once, then at growing intervals, at most three retries, the same
/// noticeId with a fresh notifyMs each time.
struct NCSDelivery: Sendable {
    /// Waits before retry 1, 2 and 3: "at once", then growing.
    static let retryDelays: [Duration] = [.zero, .seconds(1), .seconds(2)]
    /// Reported for an attempt that got no HTTP answer within 10 s (timeout, refused).
    static let noAnswer = 0

    private let session: URLSession

    init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 10
        session = URLSession(configuration: configuration)
    }

    /// Every status received, one per attempt. `willSend` sees each attempt's notification
    /// as written (so a caller can record what went out) and may stop the retries (shutdown);
    /// `answered` sees each HTTP reply the receiver gave (a test checks it against the
    /// receiver's API document).
    func deliver(
        _ notification: FakeAgora.Notification, to url: String, secret: String?, retry: Bool,
        answered: (HTTPReply) -> Void = { _ in }, willSend: (FakeAgora.Notification) -> Bool
    ) async -> [Int] {
        var statuses: [Int] = []
        var attempt = notification
        for retryIndex in 0...(retry ? Self.retryDelays.count : 0) {
            if retryIndex > 0 {
                try? await Task.sleep(for: Self.retryDelays[retryIndex - 1])
                attempt.notifyMs = FakeAgora.Notification.nowMs()
            }
            guard willSend(attempt) else { break }
            let reply = await post(attempt.body, to: url, secret: secret)
            if let reply { answered(reply) }
            let status = reply?.status ?? Self.noAnswer
            statuses.append(status)
            if status == 200 { break }
        }
        return statuses
    }

    /// One POST of `body`, signed with `secret` unless it is nil; nil when no HTTP answer came.
    func post(_ body: [UInt8], to url: String, secret: String?) async -> HTTPReply? {
        guard let target = URL(string: url) else { return nil }
        var request = URLRequest(url: target)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let secret {
            let signatures = NCSSignature.of(body, secret: secret)
            request.setValue(signatures.sha1, forHTTPHeaderField: "Agora-Signature")
            request.setValue(signatures.sha256, forHTTPHeaderField: "Agora-Signature-V2")
        }
        guard let (data, response) = try? await session.data(for: request), let http = response as? HTTPURLResponse else {
            return nil
        }
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        return HTTPReply(status: http.statusCode, headers: headers, body: data)
    }
}
