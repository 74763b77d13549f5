import Foundation

/// Every API answer's wrapper (reference §1.1): `{result, success, errors, messages}`.
struct CloudflareEnvelope<Result: Decodable>: Decodable {
    var result: Result?
    var success: Bool
    var errors: [CloudflareAPIMessage]

    private enum CodingKeys: String, CodingKey { case result, success, errors }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        success = try container.decode(Bool.self, forKey: .success)
        errors = (try? container.decodeIfPresent([CloudflareAPIMessage].self, forKey: .errors)) ?? []
        result = try container.decodeIfPresent(Result.self, forKey: .result)
    }
}

/// The `errors` of an error answer, if its body is an envelope at all.
struct CloudflareErrorBody: Decodable {
    var errors: [CloudflareAPIMessage]

    static func errors(in body: Data) -> [CloudflareAPIMessage] {
        (try? JSONDecoder().decode(CloudflareErrorBody.self, from: body))?.errors ?? []
    }
}
