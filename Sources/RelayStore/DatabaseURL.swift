import Foundation
import RelayCore

/// A connection string (postgres:// URL or libpq `key=value` text) and what may be shown of it.
///
/// libpq's messages name host and port but not the password; we still scrub both the whole
/// string and the password from every message we pass on, in case a future libpq does.
public struct DatabaseURL: Sendable, CustomStringConvertible {
    let raw: String

    public init(_ raw: String) { self.raw = raw }

    /// Host, port and database readable; user info and query values masked.
    public var redacted: String {
        raw.contains("://") ? Redaction.url(raw) : "(connection string)"
    }

    public var description: String { redacted }

    /// `message` without the connection string or the password in it.
    func scrub(_ message: String) -> String {
        var message = message.replacingOccurrences(of: raw, with: redacted)
        if let password, password.count >= 3 {
            message = message.replacingOccurrences(of: password, with: Redaction.mask)
        }
        return message
    }

    /// The password of `postgres://user:password@host/db` (percent-decoded), or of a
    /// `password=` parameter (URL query or `key=value` text).
    var password: String? {
        if let schemeEnd = raw.range(of: "://") {
            let authority = raw[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" }
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                let encoded = String(authority[authority.index(after: colon)..<at])
                return encoded.removingPercentEncoding ?? encoded
            }
        }
        guard let range = raw.range(of: "password=") else { return nil }
        let value = raw[range.upperBound...].prefix { $0 != " " && $0 != "&" }
        let text = String(value).trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        return text.removingPercentEncoding ?? text
    }
}
