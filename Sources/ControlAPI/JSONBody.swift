import Foundation
import Hummingbird
import RelayCore

/// Reads a request's JSON object body: `Content-Type: application/json` (else 415), at
/// most `maxBytes` (else 413, checked on Content-Length before reading and while reading),
/// valid JSON (else 400), an object (else 400).
enum JSONBody {
    static func object(_ request: Request, maxBytes: Int) async throws -> [String: Any] {
        let mediaType = request.headers[.contentType]?.split(separator: ";").first?
            .trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType == "application/json" else {
            throw APIError(
                .unsupportedMediaType, code: "unsupported_media_type",
                "Content-Type must be application/json, got \(mediaType.map { "\"\($0)\"" } ?? "none")")
        }
        let tooLarge = APIError(.contentTooLarge, code: "payload_too_large", "request body is larger than \(maxBytes) bytes")
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maxBytes { throw tooLarge }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBytes)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw tooLarge
        }
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView), options: [.fragmentsAllowed])
        } catch {
            throw APIError.badRequest("request body is not valid JSON")
        }
        guard let object = value as? [String: Any] else { throw APIError.badRequest("request body must be a JSON object") }
        return object
    }
}

/// `POST /v1/relays` body, checked field by field so the error names the field.
struct StartRelayBody {
    static let fields = ["channelId", "sellerUid", "route"]

    var channelID: String
    var sellerUID: String
    var route: String?

    init(_ object: [String: Any]) throws {
        if let unknown = object.keys.sorted().first(where: { !Self.fields.contains($0) }) {
            throw APIError.badRequest(
                "unknown field \"\(unknown)\"; expected \(Self.fields.joined(separator: ", "))", field: unknown)
        }
        channelID = try Self.name(object, "channelId", required: true)!
        sellerUID = try Self.string(object, "sellerUid", required: true)!
        route = try Self.name(object, "route", required: false)
    }

    private static func string(_ object: [String: Any], _ field: String, required: Bool) throws -> String? {
        guard let value = object[field], !(value is NSNull) else {
            if required { throw APIError.badRequest("\"\(field)\" is required", field: field) }
            return nil
        }
        // JSONSerialization gives NSNumber for numbers and booleans, which `as? String` refuses.
        guard let text = value as? String else { throw APIError.badRequest("\"\(field)\" must be a string", field: field) }
        guard (1...128).contains(text.count) else {
            throw APIError.badRequest("\"\(field)\" must be 1 to 128 characters", field: field)
        }
        return text
    }

    private static func name(_ object: [String: Any], _ field: String, required: Bool) throws -> String? {
        guard let text = try string(object, field, required: required) else { return nil }
        guard Names.isValid(text) else {
            throw APIError.badRequest("\"\(field)\" must be a name (\(Names.rule))", field: field)
        }
        return text
    }
}
