import Foundation
import Testing
import TestSupport

/// The fake's Basic auth is Agora's: the exact customer ID and secret, or 401.
@Suite
struct FakeAgoraAuthTests {
    /// Bad or missing Basic auth is 401 `{"message":"Invalid authentication credentials."}`
    /// on every endpoint, before anything else about the request is judged (reference §1.2,
    /// §1.9, §3), with no request-ID headers (error responses may lack them).
    @Test func everyEndpointAnswers401ToBadBasicAuth() async throws {
        let fake = try await FakeAgora.start(webhookURL: nil)
        let http = HTTPClient(baseURL: fake.baseURL)
        let credentials = FakeAgoraTests.credentials
        let (id, secret, app) = (credentials.customerID, credentials.customerSecret, credentials.appID)
        func basic(_ text: String) -> String { "Basic " + Data(text.utf8).base64EncodedString() }
        let refused: [String?] = [
            nil, basic("\(id):wrong"), basic("someone-else:\(secret)"), basic(id), basic("\(id):\(secret) "),
            "Bearer " + Data("\(id):\(secret)".utf8).base64EncodedString(), "Basic not-base64!", "Basic",
        ]
        let converters = FakeAgoraTests.convertersPath
        let converter = converters + "/" + String(repeating: "a", count: 32)
        let endpoints: [(String, String)] = [
            ("POST", converters), ("GET", converter), ("DELETE", converter), ("PATCH", converter + "?sequence=1"),
            ("GET", "/v1/projects/\(app)/rtmp-converters"), ("GET", "/v1/projects/\(app)/channels/show68/rtmp-converters"),
            ("GET", "/dev/v1/channel/user/\(app)/show68"),
            // A wrong region or App ID is judged only once the caller is known.
            ("POST", "/NA/v1/projects/\(app)/rtmp-converters"),
            ("POST", "/na/v1/projects/\(String(repeating: "0", count: 32))/rtmp-converters"),
        ]
        for (method, path) in endpoints {
            for authorization in refused {
                let headers = authorization.map { ["Authorization": $0] } ?? [:]
                // Bodies only where Agora takes one (URLSession sends no body with GET or DELETE).
                let reply =
                    ["POST", "PATCH"].contains(method)
                    ? try await http.send(method, path, json: FakeAgoraTests.raw(), headers: headers)
                    : try await http.send(method, path, headers: headers)
                #expect(reply.status == 401, "\(method) \(path) with \(authorization ?? "none"): \(reply)")
                #expect(reply.text == #"{"message":"Invalid authentication credentials."}"#, "\(reply)")
                #expect(reply.headers["x-request-id"] == nil && reply.headers["x-resource-id"] == nil, "\(reply.headers)")
            }
        }
        #expect(fake.converters().isEmpty && fake.notifications().isEmpty)
        #expect(fake.calls().allSatisfy { $0.status == 401 } && fake.calls().count == endpoints.count * refused.count)
        await fake.shutdown()
    }
}
