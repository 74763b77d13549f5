/// A URL that must point at another host: `scheme://[user[:pass]@]host[:port][/path][?query]`.
///
/// Parsed by hand rather than with Foundation so that `{channel}` variables are allowed
/// in the path and query, and so that the scheme check is exact: a string that is not of
/// this shape is never handed to libav, which would otherwise pick a protocol by its prefix.
public struct RemoteURL: Sendable, Hashable, Codable, CustomStringConvertible {
    public struct Invalid: Error, Sendable {
        public var message: String
    }

    public let text: String
    public let scheme: String
    public let host: String
    public let port: Int?
    /// Path after the authority, starting with "/" (or empty).
    public let path: String
    public let query: String?
    public let hasCredentials: Bool

    public init(_ text: String, allowedSchemes: [String]) throws(Invalid) {
        let allowed = allowedSchemes.joined(separator: ", ")
        guard let colon = text.firstIndex(of: ":") else {
            throw Invalid(message: "\"\(Redaction.url(text))\" is not a URL; expected a URL with scheme \(allowed)")
        }
        let scheme = String(text[..<colon]).lowercased()
        guard allowedSchemes.contains(scheme) else {
            if scheme.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." }), !scheme.isEmpty {
                throw Invalid(message: "protocol \"\(scheme)\" is not allowed here; expected one of: \(allowed)")
            }
            throw Invalid(message: "\"\(Redaction.url(text))\" is not a URL; expected a URL with scheme \(allowed)")
        }
        let rest = text[text.index(after: colon)...]
        guard rest.hasPrefix("//") else {
            throw Invalid(message: "\"\(Redaction.url(text))\" must start with \(scheme)://")
        }
        let afterSlashes = rest.dropFirst(2)
        let authorityEnd = afterSlashes.firstIndex { $0 == "/" || $0 == "?" } ?? afterSlashes.endIndex
        var authority = afterSlashes[..<authorityEnd]
        let remainder = afterSlashes[authorityEnd...]
        var hasCredentials = false
        if let at = authority.lastIndex(of: "@") {
            hasCredentials = true
            authority = authority[authority.index(after: at)...]
        }
        var host = Substring(authority)
        var port: Int?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw Invalid(message: "\"\(Redaction.url(text))\" has an unterminated IPv6 address")
            }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let tail = authority[authority.index(after: close)...]
            if !tail.isEmpty {
                guard tail.hasPrefix(":"), let p = Int(tail.dropFirst()) else {
                    throw Invalid(message: "\"\(Redaction.url(text))\" has a bad port")
                }
                port = p
            }
        } else if let portColon = authority.lastIndex(of: ":") {
            host = authority[..<portColon]
            guard let p = Int(authority[authority.index(after: portColon)...]) else {
                throw Invalid(message: "\"\(Redaction.url(text))\" has a bad port")
            }
            port = p
        }
        if let port, !(1...65535).contains(port) {
            throw Invalid(message: "\"\(Redaction.url(text))\" has port \(port); expected 1-65535")
        }
        guard !host.isEmpty else {
            throw Invalid(message: "\"\(Redaction.url(text))\" has no host")
        }
        guard !host.contains(where: { $0.isWhitespace || $0 == "{" || $0 == "}" }),
            !text.contains(where: { $0.isWhitespace || $0.isNewline })
        else {
            throw Invalid(message: "\"\(Redaction.url(text))\" contains spaces or a {variable} in the host")
        }
        var path = Substring(remainder)
        var query: String?
        if let q = remainder.firstIndex(of: "?") {
            path = remainder[..<q]
            query = String(remainder[remainder.index(after: q)...])
        }
        self.text = text
        self.scheme = scheme
        self.host = String(host)
        self.port = port
        self.path = String(path)
        self.query = query
        self.hasCredentials = hasCredentials
    }

    /// The URL with secrets masked, for logs and errors.
    public var description: String { Redaction.url(text) }

    /// Names inside `{...}` in the path and query.
    public var variables: [String] { Template.variables(in: path + (query ?? "")) }

    public static func == (lhs: RemoteURL, rhs: RemoteURL) -> Bool { lhs.text == rhs.text }
    public func hash(into hasher: inout Hasher) { hasher.combine(text) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        let scheme = text.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        do {
            try self.init(text, allowedSchemes: [scheme.lowercased()])
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
