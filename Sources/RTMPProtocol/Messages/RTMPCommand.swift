import NIOCore

/// A command message: a name, a transaction id, a command object and optional arguments,
/// all AMF0 (`connect`, `createStream`, `publish`, `_result`, `onStatus`, …).
package struct RTMPCommand: Sendable, Hashable {
    package var name: String
    /// Non-zero when the sender expects a `_result` or `_error` with the same id.
    package var transactionID: Double
    /// Connection properties for `connect`; `null` for most others.
    package var commandObject: AMF0Value
    package var arguments: [AMF0Value]

    package init(name: String, transactionID: Double, commandObject: AMF0Value = .null, arguments: [AMF0Value] = []) {
        self.name = name
        self.transactionID = transactionID
        self.commandObject = commandObject
        self.arguments = arguments
    }

    /// Reads an AMF0 command (type 20), or an AMF3 command (type 17), whose leading format
    /// byte is skipped: every RTMP client encodes its body in AMF0 anyway.
    ///
    /// - Throws: `RTMPProtocolError` when the body is not AMF0 values starting with a name.
    package init(message: RTMPMessage) throws {
        var body = message.payload
        if message.type == .amf3Command {
            body.moveReaderIndex(forwardBy: min(1, body.readableBytes))
        }
        let values = try AMF0.decodeAll(body)
        guard let name = values.first?.string else {
            throw RTMPProtocolError.malformedMessage(type: message.type)
        }
        self.name = name
        // A missing transaction id is read as 0: nothing expects an answer then.
        self.transactionID = values.dropFirst().first?.number ?? 0
        self.commandObject = values.dropFirst(2).first ?? .null
        self.arguments = Array(values.dropFirst(3))
    }

    /// This command as an AMF0 command message on `streamID`.
    package func message(streamID: UInt32 = 0) -> RTMPMessage {
        var payload = ByteBuffer()
        payload.writeAMF0Value(.string(self.name))
        payload.writeAMF0Value(.number(self.transactionID))
        payload.writeAMF0Value(self.commandObject)
        for argument in self.arguments {
            payload.writeAMF0Value(argument)
        }
        return RTMPMessage(type: .amf0Command, streamID: streamID, payload: payload)
    }
}
