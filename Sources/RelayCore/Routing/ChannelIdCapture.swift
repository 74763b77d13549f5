/// The `channelId` capture is special: it becomes the channel's integer id in the database
/// (`RelayRecord.channelID`). Both pattern forms therefore keep it to what an `Int64`
/// always holds: 1 to 18 ASCII digits.
enum ChannelIdCapture {
    static let name = "channelId"
    static let maxDigits = 18

    static func isASCIIDigit(_ character: Character) -> Bool { character.isASCII && character.isNumber }

    /// Whether `value` is acceptable as the channel id.
    static func accepts(_ value: Substring) -> Bool {
        (1...maxDigits).contains(value.count) && value.allSatisfy(isASCIIDigit)
    }
}
