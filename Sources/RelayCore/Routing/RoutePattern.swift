/// A pattern over channel names, in one of two forms:
/// - a template, `seller_{channelId}`: literal text and named captures (`TemplatePattern`);
/// - a regex, `~seller_(?<channelId>[0-9]+)`: `~` then a regular expression whose named
///   groups are the captures (`RegexPattern`).
///
/// Both match the whole channel name, and both keep `channelId` (the database's integer
/// channel id) to digits. Equal texts are equal patterns; it encodes as its text.
public struct RoutePattern: Sendable, Hashable, Codable, CustomStringConvertible {
    enum Form: Sendable, Hashable {
        case template(TemplatePattern)
        case regex(RegexPattern)
    }

    public let text: String
    let form: Form

    public struct Invalid: Error, Sendable {
        public var message: String
    }

    /// The `~` that marks a regex, as nginx's `location ~`.
    public static let regexMarker: Character = "~"

    public init(_ text: String) throws(Invalid) {
        if text.first == Self.regexMarker {
            form = .regex(try RegexPattern(String(text.dropFirst()), pattern: text))
        } else {
            form = .template(try TemplatePattern(text))
        }
        self.text = text
    }

    public var captureNames: [String] {
        switch form {
        case .template(let template): template.captureNames
        case .regex(let regex): regex.captureNames
        }
    }

    /// The captures if `channel` matches, else nil.
    public func match(_ channel: String) -> [String: String]? {
        switch form {
        case .template(let template): template.match(channel)
        case .regex(let regex): regex.match(channel)
        }
    }

    public var description: String { text }

    /// Why no channel name under `rule` can ever match, when that is provable (templates);
    /// nil when some may. A regex is not analysed: that is not decidable in general.
    public func neverMatches(_ rule: ChannelNameRule) -> String? {
        guard case .template(let template) = form else { return nil }
        return template.neverMatches(rule, text: text)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
