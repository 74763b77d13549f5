/// One configuration problem, printed as `path:line:col: message` (like a compiler).
public struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation?
    public var message: String

    public init(_ message: String, at location: SourceLocation?) {
        self.message = message
        self.location = location
    }

    public var description: String {
        if let location { return "\(location): \(message)" }
        return message
    }
}

/// Collects every problem instead of stopping at the first, so `relaygate validate`
/// can report them all in one run. Used from one thread at a time while loading.
public final class Diagnostics {
    public private(set) var items: [Diagnostic] = []

    public init() {}

    public var isEmpty: Bool { items.isEmpty }
    public var count: Int { items.count }

    public func error(_ message: String, at location: SourceLocation?) {
        items.append(Diagnostic(message, at: location))
    }

    public func append(contentsOf other: [Diagnostic]) {
        items.append(contentsOf: other)
    }
}

/// Every problem found in a configuration, in file order.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
