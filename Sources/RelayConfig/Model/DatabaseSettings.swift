import Foundation
import RelayCore

/// `database:` in relaygate.yaml. Absent: no database, relay state lives in memory only.
public struct DatabaseSettings: Sendable, Equatable {
    /// `postgres://` or `postgresql://` URL (a secret: shown only through `Redaction.url`).
    public var url: String
    /// How often a running relay's `stream_metrics` row is written.
    public var metricsInterval: Duration
    /// Records held while PostgreSQL is unreachable before the oldest metrics are dropped.
    public var queueLimit: Int

    public init(url: String, metricsInterval: Duration = .seconds(10), queueLimit: Int = 10_000) {
        self.url = url
        self.metricsInterval = metricsInterval
        self.queueLimit = queueLimit
    }

    static let schemes = ["postgres", "postgresql"]

    static func decode(_ node: ConfigNode, diagnostics: Diagnostics) -> DatabaseSettings? {
        guard var reader = MappingReader(node, context: "\"database\"", diagnostics: diagnostics) else { return nil }
        let url = reader.required("url", ValueParser<String>.string.validated { text in
            // The value itself is never quoted back: it holds the password.
            guard let colon = text.range(of: "://"), schemes.contains(String(text[..<colon.lowerBound]).lowercased()) else {
                return "must be a postgres:// or postgresql:// URL"
            }
            return nil
        })
        let defaults = DatabaseSettings(url: "")
        let metricsInterval = reader.optional("metrics_interval", .duration(in: .seconds(1)...(.seconds(3600))))
        let queueLimit = reader.optional("queue_limit", .int(in: 100...1_000_000))
        reader.finish()
        guard let url else { return nil }
        return DatabaseSettings(
            url: url, metricsInterval: metricsInterval ?? defaults.metricsInterval, queueLimit: queueLimit ?? defaults.queueLimit)
    }
}
