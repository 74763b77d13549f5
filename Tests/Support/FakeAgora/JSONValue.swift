import Foundation

/// Any JSON value, with object members kept in order: the fake writes Agora's bodies byte
/// for byte as it builds them (signatures are over exact bytes), and reads requests strictly
/// (`1` is not `true`, `"1"` is not `1`), as a protobuf-backed API does.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.int(let a), .int(let b)): a == b
        case (.double(let a), .double(let b)): a == b
        case (.int(let a), .double(let b)), (.double(let b), .int(let a)): Double(a) == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        // Member order does not change an object's meaning.
        case (.object(let a), .object(let b)):
            a.count == b.count && a.allSatisfy { member in b.contains { $0.0 == member.0 && $0.1 == member.1 } }
        default: false
        }
    }

    /// Parses `bytes` strictly; nil if they are not one JSON value.
    public static func parse(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.0 == key }?.1
    }

    /// The value at a dotted path ("transcodeOptions.videoOptions.canvas").
    public func value(at path: String) -> JSONValue? {
        path.split(separator: ".").reduce(Optional(self)) { value, key in value?[String(key)] }
    }

    public var intValue: Int64? {
        if case .int(let v) = self { return v }
        return nil
    }

    public var stringValue: String? {
        if case .string(let v) = self { return v }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let v) = self { return v }
        return nil
    }

    public var members: [(String, JSONValue)]? {
        if case .object(let v) = self { return v }
        return nil
    }

    /// This object with `key` set (replacing an existing member in place, else appended).
    public func setting(_ key: String, _ value: JSONValue) -> JSONValue {
        var members = self.members ?? []
        if let index = members.firstIndex(where: { $0.0 == key }) {
            members[index].1 = value
        } else {
            members.append((key, value))
        }
        return .object(members)
    }

    /// This object with the value at dotted `path` set, creating objects on the way.
    public func setting(path: String, _ value: JSONValue) -> JSONValue {
        let keys = path.split(separator: ".").map(String.init)
        guard let first = keys.first else { return value }
        guard keys.count > 1 else { return setting(first, value) }
        let rest = keys.dropFirst().joined(separator: ".")
        return setting(first, (self[first] ?? .object([])).setting(path: rest, value))
    }

    /// This object without `key`.
    public func removing(_ key: String) -> JSONValue {
        .object((members ?? []).filter { $0.0 != key })
    }

    /// `other`'s members laid over this object's, objects merged recursively (a PATCH body).
    public func merging(_ other: JSONValue) -> JSONValue {
        guard case .object = self, let overlay = other.members else { return other }
        return overlay.reduce(self) { merged, member in
            merged.setting(member.0, merged[member.0].map { $0.merging(member.1) } ?? member.1)
        }
    }

    /// The compact JSON text, members in their order.
    public var bytes: [UInt8] { Array(text.utf8) }

    public var text: String {
        switch self {
        case .null: return "null"
        case .bool(let v): return v ? "true" : "false"
        case .int(let v): return String(v)
        case .double(let v): return v.isFinite ? String(v) : "null"
        case .string(let v): return Self.quoted(v)
        case .array(let items): return "[" + items.map(\.text).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.map { Self.quoted($0.0) + ":" + $0.1.text }.joined(separator: ",") + "}"
        }
    }

    private static func quoted(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20: out += String(format: "\\u%04x", c.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

extension JSONValue: Decodable {
    private struct MemberKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        if let keyed = try? decoder.container(keyedBy: MemberKey.self) {
            self = .object(try keyed.allKeys.map { ($0.stringValue, try keyed.decode(JSONValue.self, forKey: $0)) })
        } else if var unkeyed = try? decoder.unkeyedContainer() {
            var items: [JSONValue] = []
            while !unkeyed.isAtEnd { items.append(try unkeyed.decode(JSONValue.self)) }
            self = .array(items)
        } else {
            let single = try decoder.singleValueContainer()
            if single.decodeNil() {
                self = .null
            } else if let v = try? single.decode(Bool.self) {
                self = .bool(v)
            } else if let v = try? single.decode(Int64.self) {
                self = .int(v)
            } else if let v = try? single.decode(Double.self) {
                self = .double(v)
            } else {
                self = .string(try single.decode(String.self))
            }
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// Literal order is kept: `["noticeId": …, "productId": …]` is written in that order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(elements) }
    public init(nilLiteral: ()) { self = .null }
}
