/// `{name}` variables in URLs: `rtmp://127.0.0.1/live/{channel}`. Values come from the
/// relay: `channel`, `route`, and the captures of the route's `match` pattern.
public enum Template {
    public struct Unresolved: Error, Sendable, CustomStringConvertible {
        public var name: String
        public var description: String { "no value for variable {\(name)}" }
    }

    public static func variables(in text: String) -> [String] {
        var names: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "}") else { break }
            names.append(String(after[..<close]))
            rest = after[after.index(after: close)...]
        }
        return names
    }

    public static func expand(_ text: String, values: [String: String]) throws(Unresolved) -> String {
        var output = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            output += rest[..<open]
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "}") else {
                rest = rest[open...]
                break
            }
            let name = String(after[..<close])
            guard let value = values[name] else { throw Unresolved(name: name) }
            output += value
            rest = after[after.index(after: close)...]
        }
        return output + rest
    }
}
