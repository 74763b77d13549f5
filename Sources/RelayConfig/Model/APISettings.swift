import RelayCore

/// `api:` in relaygate.yaml: where the control API listens and who may use it.
/// Without `api:` the API is off.
public struct APISettings: Sendable, Equatable {
    public enum Scope: String, Sendable, Equatable, CaseIterable {
        /// Start and stop relays, see stream keys.
        case admin
        /// Look only.
        case read
    }

    /// A bearer token. Its description never shows the value, so a token that reaches a log
    /// line by accident is still masked.
    public struct Token: Sendable, Equatable, CustomStringConvertible {
        public var value: String
        public var scope: Scope

        public init(value: String, scope: Scope) {
            self.value = value
            self.scope = scope
        }

        public var description: String { "token(***, \(scope.rawValue))" }
    }

    public static let minimumTokenLength = 16
    public static let defaultMaxBody = 16 * 1024

    public var host: String
    public var port: Int
    public var tokens: [Token]
    /// Largest request body accepted, in bytes.
    public var maxBody: Int
    /// HTTPS when set; plain HTTP otherwise.
    public var tls: TLS?

    public init(
        host: String = "127.0.0.1", port: Int = 8088, tokens: [Token], maxBody: Int = defaultMaxBody, tls: TLS? = nil
    ) {
        self.host = host
        self.port = port
        self.tokens = tokens
        self.maxBody = maxBody
        self.tls = tls
    }

    static func decode(_ node: ConfigNode, diagnostics: Diagnostics) -> APISettings? {
        guard var reader = MappingReader(node, context: "api", diagnostics: diagnostics) else { return nil }
        let errorsBefore = diagnostics.count
        let listen = reader.required("listen", .listenAddress)
        let tokens = reader.required("tokens", .tokenList)
        let maxBody = reader.optional("max_body", .byteSize(in: 256...(1024 * 1024))) ?? defaultMaxBody
        let tls = reader.node("tls").flatMap { TLS.decode($0, diagnostics: diagnostics) }
        reader.finish()
        guard diagnostics.count == errorsBefore, let listen, let tokens else { return nil }
        return APISettings(host: listen.host, port: listen.port, tokens: tokens, maxBody: maxBody, tls: tls)
    }
}

extension ValueParser where Value == (host: String, port: Int) {
    /// `host:port`, `[v6]:port`.
    static var listenAddress: ValueParser<(host: String, port: Int)> {
        ValueParser { node, key, diagnostics in
            guard let text = node.scalarText, !node.isNull, let colon = text.lastIndex(of: ":"),
                let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port)
            else {
                diagnostics.error(
                    "\"\(key)\" must be host:port like 127.0.0.1:8088, got \(node.kindDescription)", at: node.location)
                return nil
            }
            var host = String(text[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty, !host.contains(" ") else {
                diagnostics.error("\"\(key)\" must be host:port like 127.0.0.1:8088, got \(node.kindDescription)", at: node.location)
                return nil
            }
            return (host, port)
        }
    }
}

extension ValueParser where Value == [APISettings.Token] {
    /// A list of `{ token, scope }`. Errors never quote a token's value: it is a secret even
    /// when written literally.
    static var tokenList: ValueParser<[APISettings.Token]> {
        ValueParser { node, key, diagnostics in
            guard case .sequence(let items) = node.value, !items.isEmpty else {
                diagnostics.error(
                    "\"\(key)\" must be a list of { token, scope } with at least one entry", at: node.location)
                return nil
            }
            var tokens: [APISettings.Token] = []
            var ok = true
            for item in items {
                guard var reader = MappingReader(item, context: "an entry of \"\(key)\"", diagnostics: diagnostics) else {
                    ok = false
                    continue
                }
                let scope = reader.required("scope", .oneOf(APISettings.Scope.allCases.map(\.rawValue)))
                let value = reader.required("token", .secret)
                reader.finish()
                guard let scope, let value else {
                    ok = false
                    continue
                }
                if value.count < APISettings.minimumTokenLength {
                    diagnostics.error(
                        "\"token\" must be at least \(APISettings.minimumTokenLength) characters", at: reader.location(of: "token"))
                    ok = false
                } else if tokens.contains(where: { $0.value == value }) {
                    diagnostics.error("\"token\" is listed twice", at: reader.location(of: "token"))
                    ok = false
                } else {
                    tokens.append(APISettings.Token(value: value, scope: APISettings.Scope(rawValue: scope)!))
                }
            }
            return ok ? tokens : nil
        }
    }
}

extension ValueParser where Value == String {
    /// A string whose value is never shown in an error.
    static var secret: ValueParser<String> {
        ValueParser { node, key, diagnostics in
            guard case .scalar(let text, _) = node.value, !node.isNull else {
                diagnostics.error("\"\(key)\" must be a string", at: node.location)
                return nil
            }
            return text
        }
    }
}

extension ValueParser where Value == Int {
    /// A size in bytes: `512`, `16k` (16 × 1024), `1M`.
    static func byteSize(in range: ClosedRange<Int>) -> ValueParser<Int> {
        quantity("a size", examples: "512, 16k or 1M", in: range, parse: ByteSizeText.parse, format: ByteSizeText.format)
    }
}

/// Sizes of request bodies. `k` and `M` are binary (1024), as for buffers.
enum ByteSizeText {
    static func parse(_ text: String) -> Int? {
        var number = Substring(text)
        var scale = 1
        if let last = number.last, "kKmM".contains(last) {
            scale = last == "k" || last == "K" ? 1024 : 1024 * 1024
            number = number.dropLast()
        }
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(number),
            value < Int(Int32.max)
        else { return nil }
        return value * scale
    }

    static func format(_ bytes: Int) -> String {
        if bytes % (1024 * 1024) == 0 { return "\(bytes / (1024 * 1024))M" }
        if bytes % 1024 == 0 { return "\(bytes / 1024)k" }
        return "\(bytes)"
    }
}
