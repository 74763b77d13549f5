import CloudflareStream
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TestSupport

/// The fake refuses what Cloudflare refuses; else the client tests would prove nothing.
@Suite struct FakeCloudflareTests {
    private func send(
        _ fake: FakeCloudflare, _ method: String, _ path: String, token: String? = FakeCloudflare.Configuration.writeToken,
        body: String? = nil
    ) async throws -> (status: Int, json: JSONValue?) {
        var request = URLRequest(url: URL(string: fake.apiURL + path)!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as! HTTPURLResponse).statusCode, JSONValue.parse(Array(data)))
    }

    private func withFake(_ body: (FakeCloudflare, String) async throws -> Void) async throws {
        let fake = try await FakeCloudflare.start()
        do { try await body(fake, "/accounts/\(fake.configuration.accountID)/stream/live_inputs") } catch {
            await fake.shutdown()
            throw error
        }
        await fake.shutdown()
    }

    @Test func aMissingOrWrongTokenGets401InTheEnvelope() async throws {
        try await withFake { fake, inputs in
            for token in [nil, "wrong"] as [String?] {
                let answer = try await send(fake, "GET", inputs, token: token)
                #expect(answer.status == 401)
                #expect(answer.json?["success"] == false)
                #expect(answer.json?["errors"] == [["code": 10000, "message": "Authentication error"]])
                #expect(answer.json?["messages"] == [])
            }
        }
    }

    @Test func readTokensListButCannotCreateAndNoStreamTokensCannotList() async throws {
        try await withFake { fake, inputs in
            let readList = try await send(fake, "GET", inputs, token: FakeCloudflare.Configuration.readToken)
            let readCreate = try await send(fake, "POST", inputs, token: FakeCloudflare.Configuration.readToken, body: "{}")
            let noStreamList = try await send(fake, "GET", inputs, token: FakeCloudflare.Configuration.noStreamToken)
            let otherAccount = try await send(fake, "GET", "/accounts/\(String(repeating: "b", count: 32))/stream/live_inputs")
            #expect([readList.status, readCreate.status, noStreamList.status, otherAccount.status] == [200, 403, 403, 403] as [Int])
            #expect(fake.liveInputs().isEmpty)
        }
    }

    @Test(arguments: [
        (#"{"recording":{"mode":"always"}}"#, "recording.mode"),
        (#"{"recording":{"mode":"automatic","timeoutSeconds":-1}}"#, "recording.timeoutSeconds"),
        (#"{"recording":{"mode":"automatic","timeoutSeconds":"10"}}"#, "recording.timeoutSeconds"),
        (#"{"deleteRecordingAfterDays":29}"#, "at least 30"),
        (#"{"deleteRecordingAfterDays":1097}"#, "at most 1096"),
        (#"{"meta":"seller-42"}"#, "meta must be an object"),
        (#"{"meta":{},"recording":{"mode":"automatic","timeoutSecond":10}}"#, "unknown field: recording.timeoutSecond"),
        (#"{"preferLowLatency":true}"#, "preferLowLatency"),
        ("[1]", "JSON object"),
        ("", "JSON object"),
    ])
    func badBodiesGet400NamingTheField(body: String, field: String) async throws {
        try await withFake { fake, inputs in
            let answer = try await send(fake, "POST", inputs, body: body)
            #expect(answer.status == 400)
            #expect(answer.json?["success"] == false)
            let message = answer.json?["errors"]?.arrayValue?.first?["message"]?.stringValue ?? ""
            #expect(message.contains(field), "\(message)")
            #expect(fake.liveInputs().isEmpty)
        }
    }

    @Test func boundaryValuesAreAccepted() async throws {
        try await withFake { fake, inputs in
            for days in [30, 1096] {
                let answer = try await send(
                    fake, "POST", inputs,
                    body: #"{"meta":{"name":"x"},"recording":{"mode":"automatic","timeoutSeconds":0},"#
                        + #""deleteRecordingAfterDays":\#(days)}"#)
                #expect(answer.status == 200)
                #expect(answer.json?.value(at: "result.deleteRecordingAfterDays") == .int(Int64(days)))
                #expect(answer.json?.value(at: "result.status") == .null)
            }
        }
    }

    @Test func listEntriesCarryOnlyTheDocumentedFields() async throws {
        try await withFake { fake, inputs in
            fake.seedLiveInput(meta: ["name": "x"])
            let answer = try await send(fake, "GET", inputs)
            let entry = try #require(answer.json?.value(at: "result.liveInputs")?.arrayValue?.first)
            #expect(Set(entry.members?.map(\.0) ?? []) == ["uid", "meta", "created", "modified", "deleteRecordingAfterDays"])
            #expect(answer.json?.value(at: "result.total") == nil, "total only with include_counts")
            #expect(try await send(fake, "GET", inputs + "?include_counts=true").json?.value(at: "result.total") == 1)
        }
    }

    @Test func unknownIDsAndRoutesAre404() async throws {
        try await withFake { fake, inputs in
            let unknown = try await send(fake, "GET", inputs + "/" + String(repeating: "c", count: 32))
            let malformed = try await send(fake, "DELETE", inputs + "/not-an-id")
            let elsewhere = try await send(fake, "GET", "/accounts/x/stream/videos")
            #expect([unknown.status, malformed.status, elsewhere.status] == [404, 404, 404] as [Int])
            #expect(unknown.json?["errors"] == [["code": 10003, "message": "Not Found"]])
            #expect(malformed.json?["errors"]?.arrayValue?.first?["code"] == 7003)
        }
    }
}
