/// One request the fake IVS received: what was called with which body, and its answer.
public struct FakeIVSRequest: Sendable, CustomStringConvertible {
    /// The path's operation, e.g. "CreateChannel".
    public var operation: String
    public var method: String
    public var body: JSONValue
    /// The headers the client signed, lowercase.
    public var signedHeaders: [String]
    public var status: Int
    /// The error name answered, nil on success.
    public var error: String?

    init(_ record: JSONValue) {
        operation = record["operation"]?.stringValue ?? ""
        method = record["method"]?.stringValue ?? ""
        body = record["body"] ?? .null
        signedHeaders = record["signedHeaders"]?.arrayValue?.compactMap(\.stringValue) ?? []
        status = Int(record["status"]?.intValue ?? 0)
        error = record["error"]?.stringValue
    }

    public var description: String { "\(method) /\(operation) → \(status)\(error.map { " \($0)" } ?? "") \(body.text)" }
}
