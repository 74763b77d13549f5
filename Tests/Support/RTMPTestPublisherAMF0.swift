import Foundation

/// The AMF0 values the test publisher writes and reads: enough for NetConnection and
/// NetStream commands, their replies and `onMetaData`. Written from the AMF0 specification,
/// on purpose independent of the server's own AMF0 code, so that the two can disagree.
enum RTMPTestPublisherAMF0: Sendable, Equatable, CustomStringConvertible {
    case number(Double)
    case boolean(Bool)
    case string(String)
    /// Properties in wire order (order matters to some peers, and to a faithful re-encode).
    case object([Property])
    case null
    case undefined
    case ecmaArray([Property])
    case strictArray([RTMPTestPublisherAMF0])
    /// Milliseconds since the epoch (the time-zone field is read and dropped).
    case date(Double)

    struct Property: Sendable, Equatable {
        var name: String
        var value: RTMPTestPublisherAMF0
    }

    /// The value of property `name` of an object or ECMA array.
    subscript(name: String) -> RTMPTestPublisherAMF0? {
        switch self {
        case .object(let properties), .ecmaArray(let properties): properties.first { $0.name == name }?.value
        default: nil
        }
    }

    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var numberValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    var description: String {
        switch self {
        case .number(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
        case .boolean(let value): "\(value)"
        case .string(let text): "\"\(text)\""
        case .object(let properties): "{" + properties.map { "\($0.name): \($0.value)" }.joined(separator: ", ") + "}"
        case .null: "null"
        case .undefined: "undefined"
        case .ecmaArray(let properties): "[" + properties.map { "\($0.name): \($0.value)" }.joined(separator: ", ") + "]"
        case .strictArray(let values): "[" + values.map(\.description).joined(separator: ", ") + "]"
        case .date(let milliseconds): "date(\(milliseconds))"
        }
    }

    // MARK: Encoding

    /// `values` one after the other, as a command or data message body carries them.
    static func encode(_ values: [RTMPTestPublisherAMF0]) -> [UInt8] {
        var bytes: [UInt8] = []
        for value in values { value.encode(into: &bytes) }
        return bytes
    }

    func encode(into bytes: inout [UInt8]) {
        switch self {
        case .number(let value):
            bytes.append(0x00)
            Self.appendDouble(value, to: &bytes)
        case .boolean(let value):
            bytes.append(0x01)
            bytes.append(value ? 1 : 0)
        case .string(let text):
            let utf8 = Array(text.utf8)
            // Strings over 65535 bytes need the long-string marker: the short one has a 16-bit length.
            if utf8.count > 0xFFFF {
                bytes.append(0x0C)
                Self.appendUInt32(UInt32(utf8.count), to: &bytes)
            } else {
                bytes.append(0x02)
                Self.appendUInt16(UInt16(utf8.count), to: &bytes)
            }
            bytes += utf8
        case .object(let properties):
            bytes.append(0x03)
            Self.appendProperties(properties, to: &bytes)
        case .null:
            bytes.append(0x05)
        case .undefined:
            bytes.append(0x06)
        case .ecmaArray(let properties):
            bytes.append(0x08)
            Self.appendUInt32(UInt32(properties.count), to: &bytes)
            Self.appendProperties(properties, to: &bytes)
        case .strictArray(let values):
            bytes.append(0x0A)
            Self.appendUInt32(UInt32(values.count), to: &bytes)
            for value in values { value.encode(into: &bytes) }
        case .date(let milliseconds):
            bytes.append(0x0B)
            Self.appendDouble(milliseconds, to: &bytes)
            Self.appendUInt16(0, to: &bytes)
        }
    }

    private static func appendProperties(_ properties: [Property], to bytes: inout [UInt8]) {
        for property in properties {
            let name = Array(property.name.utf8.prefix(0xFFFF))
            appendUInt16(UInt16(name.count), to: &bytes)
            bytes += name
            property.value.encode(into: &bytes)
        }
        // The object-end marker: an empty name followed by type 0x09.
        bytes += [0x00, 0x00, 0x09]
    }

    private static func appendDouble(_ value: Double, to bytes: inout [UInt8]) {
        let bits = value.bitPattern
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
    }

    private static func appendUInt16(_ value: UInt16, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    private static func appendUInt32(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [
            UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8),
            UInt8(truncatingIfNeeded: value),
        ]
    }

    // MARK: Decoding

    /// Every value in `bytes` (a whole command or data message body).
    static func decodeAll(_ bytes: [UInt8]) throws -> [RTMPTestPublisherAMF0] {
        var reader = Reader(bytes: bytes)
        var values: [RTMPTestPublisherAMF0] = []
        while reader.position < bytes.count { values.append(try reader.value(depth: 0)) }
        return values
    }

    /// A cursor over AMF0 bytes; every read checks its length, so a truncated or hostile
    /// body is an error, never a crash.
    private struct Reader {
        let bytes: [UInt8]
        var position = 0

        // Deep enough for any real reply; a bound so that a malicious nesting cannot blow the stack.
        static let maximumDepth = 32

        mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
            guard count >= 0, bytes.count - position >= count else {
                throw RTMPTestPublisherError.protocolViolation("AMF0 value truncated at byte \(position)")
            }
            defer { position += count }
            return bytes[position..<position + count]
        }

        mutating func uint16() throws -> Int { try take(2).reduce(0) { $0 << 8 | Int($1) } }
        mutating func uint32() throws -> Int { try take(4).reduce(0) { $0 << 8 | Int($1) } }

        mutating func double() throws -> Double {
            Double(bitPattern: try take(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        }

        mutating func utf8(count: Int) throws -> String { String(decoding: try take(count), as: UTF8.self) }

        mutating func value(depth: Int) throws -> RTMPTestPublisherAMF0 {
            guard depth < Self.maximumDepth else { throw RTMPTestPublisherError.protocolViolation("AMF0 nested too deeply") }
            let marker = try take(1).first!
            switch marker {
            case 0x00: return .number(try double())
            case 0x01: return .boolean(try take(1).first! != 0)
            case 0x02: return .string(try utf8(count: try uint16()))
            case 0x03: return .object(try properties(depth: depth))
            case 0x05: return .null
            case 0x06: return .undefined
            case 0x08:
                // The count is only a hint (peers get it wrong); the end marker is what ends it.
                _ = try uint32()
                return .ecmaArray(try properties(depth: depth))
            case 0x0A:
                let count = try uint32()
                guard count <= bytes.count - position else {
                    throw RTMPTestPublisherError.protocolViolation("AMF0 strict array of \(count) in a \(bytes.count)-byte body")
                }
                var values: [RTMPTestPublisherAMF0] = []
                for _ in 0..<count { values.append(try value(depth: depth + 1)) }
                return .strictArray(values)
            case 0x0B:
                let milliseconds = try double()
                _ = try take(2)
                return .date(milliseconds)
            case 0x0C: return .string(try utf8(count: try uint32()))
            default:
                throw RTMPTestPublisherError.protocolViolation(
                    "AMF0 type 0x\(String(marker, radix: 16)) at byte \(position - 1) is not supported")
            }
        }

        mutating func properties(depth: Int) throws -> [Property] {
            var properties: [Property] = []
            while true {
                let name = try utf8(count: try uint16())
                if name.isEmpty, position < bytes.count, bytes[position] == 0x09 {
                    position += 1
                    return properties
                }
                properties.append(Property(name: name, value: try value(depth: depth + 1)))
            }
        }
    }
}
