import Foundation

/// Reads a restJson1 error answer the way the AWS SDKs do: the name from the
/// `x-amzn-errortype` header, else the body's `__type` or `code` (the part before `:` and
/// after `#`), the message from `exceptionMessage`, `message` or `Message`.
enum IVSErrorReply {
    static func parse(status: Int, errorType: String?, body: [UInt8]) -> (name: String, message: String) {
        let json = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
        let raw = [errorType, json["__type"] as? String, json["code"] as? String].compactMap { $0 }.first { !$0.isEmpty }
        let name = raw.map(sanitize) ?? "HTTP\(status)"
        let message = ["exceptionMessage", "message", "Message"].lazy.compactMap { json[$0] as? String }.first
            ?? String(decoding: body.prefix(200), as: UTF8.self)
        return (name, message)
    }

    private static func sanitize(_ raw: String) -> String {
        var name = Substring(raw)
        if let colon = name.firstIndex(of: ":") { name = name[..<colon] }
        if let hash = name.lastIndex(of: "#") { name = name[name.index(after: hash)...] }
        return name.trimmingCharacters(in: .whitespaces)
    }
}
