/// One entry of the envelope's `errors` or `messages`: Cloudflare's numeric code and text.
public struct CloudflareAPIMessage: Sendable, Equatable, Decodable, CustomStringConvertible {
    public var code: Int
    public var message: String

    public init(code: Int, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code) \(message)" }

    private enum CodingKeys: String, CodingKey { case code, message }

    /// Lenient: an entry without a code or message still tells something.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = (try? container.decode(Int.self, forKey: .code)) ?? 0
        message = (try? container.decode(String.self, forKey: .message)) ?? ""
    }
}
