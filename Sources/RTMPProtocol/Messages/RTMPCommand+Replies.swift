extension RTMPCommand {
    /// `_result` for transaction `transactionID`.
    static func result(_ transactionID: Double, _ commandObject: AMF0Value = .null, _ arguments: AMF0Value...) -> Self {
        RTMPCommand(name: "_result", transactionID: transactionID, commandObject: commandObject, arguments: arguments)
    }

    /// `_error` for transaction `transactionID`, with an information object of level `error`.
    static func error(_ transactionID: Double, code: String, description: String) -> Self {
        RTMPCommand(
            name: "_error", transactionID: transactionID, arguments: [.information(level: "error", code: code, description: description)]
        )
    }

    /// `onStatus` (transaction 0, the way servers send it) with an information object.
    static func onStatus(level: String, code: String, description: String) -> Self {
        RTMPCommand(name: "onStatus", transactionID: 0, arguments: [.information(level: level, code: code, description: description)])
    }
}
