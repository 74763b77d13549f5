public import Foundation

/// Reading Agora's JSON where its docs and its servers disagree on types (numbers sent as
/// strings): small tolerant accessors over `JSONSerialization` objects.
public enum AgoraJSON {
    public struct Malformed: Error, Sendable, CustomStringConvertible {
        public var message: String
        public init(message: String) { self.message = message }
        public var description: String { message }
    }

    public static func object(_ data: Data) throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Malformed(message: "not a JSON object")
        }
        return object
    }

    public static func string(_ value: Any?) -> String? {
        switch value {
        case let text as String: text
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }

    public static func int(_ value: Any?) -> Int64? {
        switch value {
        case let text as String: Int64(text)
        case let number as NSNumber: number.int64Value
        default: nil
        }
    }

    /// The reason in an error body: `{"message": …}`, or `{"reason": …}` in some examples.
    public static func errorMessage(_ data: Data) -> String? {
        guard let object = try? object(data) else { return nil }
        return string(object["message"]) ?? string(object["reason"])
    }
}
