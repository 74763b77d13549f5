/// A command the server sent to the publisher (`_result`, `_error`, `onStatus`, `onBWDone`,
/// …), recorded in arrival order so a test can assert on what the server said.
public struct RTMPTestPublisherReply: Sendable, Equatable, CustomStringConvertible {
    public var command: String
    public var transactionID: Double
    /// From the reply's info object (`level`, `code`, `description`), when it has one.
    public var level: String?
    public var code: String?
    public var text: String?
    /// The values after the transaction id, as text (`null`, `{fmsVer: "FMS/3,0,1,123", …}`, `1`).
    public var arguments: [String]
    /// The message stream it came on (0 for the connection, the stream id for NetStream).
    public var streamID: UInt32

    /// The values after the transaction id, decoded.
    let values: [RTMPTestPublisherAMF0]

    init(command: String, transactionID: Double, values: [RTMPTestPublisherAMF0], streamID: UInt32) {
        self.command = command
        self.transactionID = transactionID
        self.values = values
        self.streamID = streamID
        arguments = values.map(\.description)
        // connect's _result has a properties object first and the info object second: take the one with a code.
        let info = values.last { $0["code"] != nil }
        level = info?["level"]?.stringValue
        code = info?["code"]?.stringValue
        text = info?["description"]?.stringValue
    }

    /// The reply's first number after the transaction id (createStream's stream id).
    var firstNumber: Double? { values.lazy.compactMap(\.numberValue).first }

    public var description: String {
        let status = code.map { " \($0) [\(level ?? "")] \"\(text ?? "")\"" } ?? ""
        let transaction = RTMPTestPublisherAMF0.number(transactionID).description
        return "\(command)(\(transaction))\(status) \(arguments.joined(separator: ", "))"
    }
}
