/// A credential Cloudflare issues or checks: the API token, a live input's stream key, the
/// publish URL made from it, the notification secret. It prints as `<redacted>` wherever it
/// ends up (interpolation, `dump`, a log line, an error), so only code that calls
/// `revealed()` on purpose ever sees the value.
public struct CloudflareSecret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    private let value: String

    public init(_ value: String) { self.value = value }

    /// The value itself: for an HTTP header, or the URL handed to the pushing worker.
    public func revealed() -> String { value }

    public var isEmpty: Bool { value.isEmpty }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: []) }
}
