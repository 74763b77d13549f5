@testable import AWSIVS
import Testing

/// restJson1 error answers read as the AWS SDKs read them, and classified.
@Suite struct IVSErrorReplyTests {
    @Test func nameFromHeaderThenTypeThenCode() {
        let header = IVSErrorReply.parse(
            status: 429, errorType: "ThrottlingException:http://internal.amazon.com/coral/com.amazonaws.ivs/",
            body: Array(#"{"exceptionMessage":"Rate exceeded"}"#.utf8))
        #expect(header.name == "ThrottlingException")
        #expect(header.message == "Rate exceeded")

        let type = IVSErrorReply.parse(
            status: 400, errorType: nil, body: Array(#"{"__type":"com.amazonaws.ivs#ValidationException","message":"bad"}"#.utf8))
        #expect(type.name == "ValidationException")
        #expect(type.message == "bad")

        let code = IVSErrorReply.parse(status: 403, errorType: nil, body: Array(#"{"code":"ExpiredTokenException","Message":"old"}"#.utf8))
        #expect(code.name == "ExpiredTokenException")
        #expect(code.message == "old")

        let bare = IVSErrorReply.parse(status: 502, errorType: nil, body: Array("<html>Bad Gateway</html>".utf8))
        #expect(bare.name == "HTTP502")
        #expect(IVSError.kind(name: bare.name, status: 502) == .retryable)
    }

    @Test(arguments: [
        ("ThrottlingException", 429, IVSError.Kind.retryable), ("InternalServerException", 500, .retryable),
        ("StreamUnavailable", 503, .retryable), ("ChannelNotBroadcasting", 404, .offline),
        ("AccessDeniedException", 403, .auth), ("UnrecognizedClientException", 403, .auth),
        ("InvalidSignatureException", 403, .auth), ("ExpiredToken", 403, .auth), ("ResourceNotFoundException", 404, .notFound),
        ("ConflictException", 409, .conflict), ("ValidationException", 400, .invalidRequest),
        ("ServiceQuotaExceededException", 402, .quotaExceeded), ("PendingVerification", 403, .other),
    ])
    func classification(name: String, status: Int, kind: IVSError.Kind) {
        #expect(IVSError.kind(name: name, status: status) == kind)
    }
}
