/// What signing produced: the headers to add to the request, and the intermediate texts a
/// test (or a puzzled operator with AWS's "should have been" message) can compare.
public struct SigV4Signature: Sendable, CustomStringConvertible {
    public var canonicalRequest: String
    public var stringToSign: String
    /// Lowercase hex HMAC-SHA256.
    public var signature: String
    /// `x-amz-date`, then `x-amz-security-token` and `x-amz-content-sha256` when used, then
    /// `authorization`; add them all to the request as they are.
    public var headers: [(name: String, value: String)]

    public var authorization: String { headers.first { $0.name == "authorization" }?.value ?? "" }

    /// The canonical request holds the session token, so it is left out.
    public var description: String { "SigV4Signature(signature: \(signature))" }
}
