import Foundation

extension AccessToken2 {
    /// Decompressed payloads are a few hundred bytes; this bounds a hostile token.
    private static let payloadLimit = 64 * 1024

    /// Reads every field of `token` without checking its signature (see
    /// `ParsedToken.verifies(appCertificate:)`).
    public static func parse(_ token: String) throws(AgoraTokenError) -> ParsedToken {
        let payload = try payload(of: token)
        var reader = TokenReader(payload)
        let signature = try reader.bytes("signature")
        let signingInfo = Array(payload[reader.offset...])
        var info = TokenReader(signingInfo)
        let appID = try info.string("app ID")
        let issueTs = try info.u32("issueTs")
        let expire = try info.u32("expire")
        let salt = try info.u32("salt")
        var services: [TokenService] = []
        for _ in 0..<(try info.u16("service count")) {
            services.append(try TokenService.read(from: &info))
        }
        guard info.remaining == 0 else { throw .malformed("\(info.remaining) bytes after the last service") }
        return ParsedToken(
            appID: appID, issueTs: issueTs, expire: expire, salt: salt, services: services, signature: signature,
            signingInfo: signingInfo)
    }

    /// The decompressed payload: the signature as a packed string, then the signing info.
    /// Compare tokens by this, not by their text: the deflate output differs between zlib
    /// builds while the payload does not.
    public static func payload(of token: String) throws(AgoraTokenError) -> [UInt8] {
        guard token.hasPrefix(version) else { throw .unsupportedVersion(String(token.prefix(version.count))) }
        var text = String(token.dropFirst(version.count))
        // Some encoders drop the base64 padding.
        text += String(repeating: "=", count: (4 - text.utf8.count % 4) % 4)
        guard let compressed = Data(base64Encoded: text) else { throw .malformed("not base64 after \"007\"") }
        do throws(ZlibError) {
            return try Zlib.inflate(Array(compressed), outputLimit: payloadLimit)
        } catch {
            throw .compression(error)
        }
    }
}
