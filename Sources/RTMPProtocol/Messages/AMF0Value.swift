/// One value of Action Message Format version 0, the encoding of RTMP commands and data
/// messages (`connect`, `publish`, `onMetaData`, …).
///
/// Only what RTMP peers send is modelled. Reading fails on the markers no RTMP peer needs
/// (movie clip, reference, unsupported, record set, the switch to AMF3), and the rarer
/// ones fold into their closest case: long strings and XML documents read as `.string`,
/// typed objects as `.object` (their class name dropped).
package enum AMF0Value: Sendable, Hashable {
    case number(Double)
    /// A string, from either a short (0x02) or a long (0x0C) string marker; writing picks
    /// the short form whenever the UTF-8 fits in 65 535 bytes.
    case string(String)
    case boolean(Bool)
    /// Marker 0x03: properties in the order they were sent.
    case object([AMF0Property])
    case null
    case undefined
    /// Marker 0x08, an associative array. `onMetaData` usually comes as this.
    case ecmaArray([AMF0Property])
    /// Marker 0x0A, a dense array.
    case strictArray([AMF0Value])
    /// Marker 0x0B: milliseconds since the Unix epoch. The time-zone field is read and
    /// ignored (the format says it should be zero) and written as zero.
    case date(Double)

    /// The value of the first property named `name` of an `.object` or `.ecmaArray`;
    /// `nil` when there is none or this is not one of those two.
    package subscript(name: String) -> AMF0Value? {
        switch self {
        case .object(let properties), .ecmaArray(let properties):
            properties.first { $0.name == name }?.value
        default:
            nil
        }
    }

    /// The value of a `.number`, `nil` for every other case.
    package var number: Double? {
        if case .number(let value) = self { value } else { nil }
    }

    /// The value of a `.string`, `nil` for every other case.
    package var string: String? {
        if case .string(let value) = self { value } else { nil }
    }

    /// The value of a `.boolean`, `nil` for every other case.
    package var boolean: Bool? {
        if case .boolean(let value) = self { value } else { nil }
    }
}
