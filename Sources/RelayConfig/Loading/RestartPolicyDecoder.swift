import Foundation
import RelayCore

/// A route's `restart:` section:
///
/// ```yaml
/// restart:
///   backoff: 1s..60s          # initial pause (before restart 2) .. cap
///   give_up_after: 5 in 10m   # a crash loop: this many failures within the window
///   stable_after: 30s         # active this long: the slate is wiped
/// ```
/// Every key is optional; what is left out comes from `defaults` (the global settings).
enum RestartPolicyDecoder {
    static func decode(
        _ node: ConfigNode, context: String, defaults: RestartPolicy, diagnostics: Diagnostics
    ) -> RestartPolicy? {
        guard var reader = MappingReader(node, context: "restart of \(context)", diagnostics: diagnostics) else {
            return nil
        }
        let errorsBefore = diagnostics.count
        var policy = defaults
        if let backoff = reader.optional("backoff", backoffRange) {
            policy.initialBackoff = backoff.initial
            policy.maxBackoff = backoff.cap
        }
        if let giveUp = reader.optional("give_up_after", failuresWithin) {
            policy.giveUpAfter = giveUp.failures
            policy.window = giveUp.window
        }
        if let stable = reader.optional("stable_after", .duration(in: .seconds(1)...(.seconds(3600)))) {
            policy.stableAfter = stable
        }
        reader.finish()
        return diagnostics.count == errorsBefore ? policy : nil
    }

    /// `1s..60s`: the first pause, then the cap (at least the first, at most an hour).
    static let backoffRange = ValueParser<(initial: Duration, cap: Duration)> { node, key, diagnostics in
        let parts = node.scalarText?.components(separatedBy: "..") ?? []
        guard !node.isNull, parts.count == 2,
            let initial = DurationText.parse(parts[0].trimmed), let cap = DurationText.parse(parts[1].trimmed)
        else {
            diagnostics.error(
                "\"\(key)\" must be a range of durations like 1s..60s, got \(node.kindDescription)", at: node.location)
            return nil
        }
        let problem =
            initial > .seconds(300) ? "must start at 5m at most"
            : cap < initial ? "must not end before it starts"
            : cap > .seconds(3600) ? "must end at 1h at most" : nil
        if let problem {
            diagnostics.error("\"\(key)\" \(problem), got \(node.scalarText ?? "")", at: node.location)
            return nil
        }
        return (initial, cap)
    }

    /// `5 in 10m`: 1 to 1000 failures within 1s to 24h.
    static let failuresWithin = ValueParser<(failures: Int, window: Duration)> { node, key, diagnostics in
        let parts = node.scalarText?.split(separator: " ", omittingEmptySubsequences: true).map(String.init) ?? []
        guard !node.isNull, parts.count == 3, parts[1] == "in", let failures = Int(parts[0]),
            let window = DurationText.parse(parts[2])
        else {
            diagnostics.error(
                "\"\(key)\" must be failures within a window like \"5 in 10m\", got \(node.kindDescription)",
                at: node.location)
            return nil
        }
        guard (1...1000).contains(failures), window >= .seconds(1), window <= .seconds(86_400) else {
            diagnostics.error(
                "\"\(key)\" must be 1 to 1000 failures in 1s to 24h, got \(node.scalarText ?? "")", at: node.location)
            return nil
        }
        return (failures, window)
    }
}

extension String {
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespaces) }
}
