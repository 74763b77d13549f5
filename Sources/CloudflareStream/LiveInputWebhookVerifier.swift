/// Checks and reads Cloudflare's live input notifications for a webhook receiver
/// (`WebhookReceiver.receive` hands over exactly what `verify` takes). Cloudflare sends the
/// destination's secret verbatim in `cf-webhook-auth` (a shared secret, not an HMAC), so it
/// is compared in constant time and the body is only read once the sender is known.
public struct LiveInputWebhookVerifier: Sendable {
    public static let authHeader = "cf-webhook-auth"

    private let secret: CloudflareSecret

    /// `secret`: the webhook destination's secret, as configured in Cloudflare.
    public init(secret: CloudflareSecret) { self.secret = secret }

    /// The notification, or why not: `.missingAuth`/`.wrongSecret` (answer 401),
    /// `.malformed` (answer 400). Header names are matched case-insensitively.
    public func verify(headers: [String: String], body: [UInt8]) throws(LiveInputWebhookError) -> LiveInputNotification {
        guard let sent = headers.first(where: { $0.key.lowercased() == Self.authHeader })?.value else {
            throw .missingAuth
        }
        guard !secret.isEmpty, Self.constantTimeEqual(Array(sent.utf8), Array(secret.revealed().utf8)) else {
            throw .wrongSecret
        }
        return try LiveInputNotification.decode(body)
    }

    /// Time depends on the length of what was sent only, never on where it first differs
    /// or on the secret's length.
    static func constantTimeEqual(_ sent: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference: UInt = sent.count == expected.count ? 0 : 1
        guard !expected.isEmpty else { return false }
        for index in sent.indices {
            difference |= UInt(sent[index] ^ expected[index % expected.count])
        }
        return difference == 0
    }
}

/// Why a notification was refused. Its texts never include the header's value or the body.
public enum LiveInputWebhookError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingAuth
    case wrongSecret
    case malformed(String)

    /// What a receiver answers: 401 for the sender, 400 for the body.
    public var httpStatus: Int {
        switch self {
        case .missingAuth, .wrongSecret: 401
        case .malformed: 400
        }
    }

    public var description: String {
        switch self {
        case .missingAuth: "no \(LiveInputWebhookVerifier.authHeader) header"
        case .wrongSecret: "\(LiveInputWebhookVerifier.authHeader) does not match the configured secret"
        case .malformed(let why): "unreadable live input notification: \(why)"
        }
    }
}
