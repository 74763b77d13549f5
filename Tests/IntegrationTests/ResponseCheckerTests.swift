import Foundation
import Testing
import TestSupport

/// The checkers the API tests rely on must themselves refuse what is wrong.
struct ResponseCheckerTests {
    @Test func prometheusReaderRefusesBrokenText() throws {
        let good = try PrometheusText(
            "# HELP up Whether it is up.\n# TYPE up gauge\nup{job=\"a\\\"b\",i=\"1\"} 1.5\nup 2 1700000000\nx_total +Inf\n")
        #expect(good.samples.count == 3 && good.values("up").first?.labels["job"] == "a\"b" && good.types["up"] == "gauge")
        for bad in [
            "1up 1", "up{job=a} 1", "up{job=\"a\" 1", "up 1 2 3", "up one", "# TYPE up gauge\n# TYPE up gauge",
            "up 1\n# TYPE up gauge", "# TYPE up thing", "up{job=\"a\",job=\"b\"} 1", "up{j=\"\\x\"} 1", "up  1",
        ] {
            #expect(throws: TestFailure.self, "\(bad)") { try PrometheusText(bad) }
        }
    }

    @Test func openAPIValidatorFlagsWhatTheDocumentForbids() throws {
        let document = """
            {"openapi": "3.0.3", "paths": {"/x": {"get": {"responses": {
              "200": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/X"}}}},
              "429": {"description": "", "headers": {"Retry-After": {"required": true, "schema": {"type": "integer"}}}}}}}},
             "components": {"schemas": {"X": {"type": "object", "additionalProperties": false, "required": ["a"],
               "properties": {"a": {"type": "integer"}, "b": {"type": "string", "enum": ["p", "q"]},
                              "c": {"type": "array", "items": {"type": "boolean"}}, "d": {"type": "string", "nullable": true}}}}}}
            """
        let validator = try OpenAPIValidator(json: Data(document.utf8))
        func reply(_ status: Int, _ body: String, headers: [String: String] = ["content-type": "application/json"]) -> HTTPReply {
            HTTPReply(status: status, headers: headers, body: Data(body.utf8))
        }
        #expect(validator.problems("GET", "/x", reply(200, #"{"a": 1, "b": "p", "c": [true], "d": null}"#)).isEmpty)
        for body in [#"{"b": "p"}"#, #"{"a": "1"}"#, #"{"a": 1.5}"#, #"{"a": 1, "b": "r"}"#, #"{"a": 1, "z": 0}"#,
            #"{"a": 1, "c": [1]}"#, #"{"a": 1, "b": null}"#, "[]"]
        {
            #expect(!validator.problems("GET", "/x", reply(200, body)).isEmpty, "\(body)")
        }
        #expect(!validator.problems("GET", "/x", reply(404, "{}")).isEmpty)
        #expect(!validator.problems("GET", "/x", reply(429, "", headers: [:])).isEmpty)
        #expect(validator.problems("GET", "/x", reply(429, "", headers: ["retry-after": "1"])).isEmpty)
        #expect(!validator.problems("POST", "/x", reply(200, #"{"a": 1}"#)).isEmpty)
    }

    /// Concrete paths find their documented template; a literal segment beats a parameter;
    /// an undocumented path has none, and its reply must be a JSON error of the document.
    @Test func openAPIValidatorFindsTheTemplateOfAConcretePath() throws {
        let document = """
            {"openapi": "3.0.3", "paths": {
              "/v1/relays": {"get": {"responses": {"200": {"description": ""}}}},
              "/v1/relays/{channelId}": {"get": {"responses": {"404": {"description": "",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}},
              "/v1/hooks/{name}": {"post": {"responses": {"200": {"description": ""}}}},
              "/v1/hooks/agora": {"post": {"responses": {"200": {"description": ""}}}}},
             "components": {"schemas": {"Error": {"type": "object", "additionalProperties": false, "required": ["error"],
               "properties": {"error": {"type": "object", "required": ["code", "message"],
                 "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}}}}}
            """
        let validator = try OpenAPIValidator(json: Data(document.utf8))
        #expect(validator.template(for: "/v1/relays?state=active") == "/v1/relays")
        #expect(validator.template(for: "/v1/relays/seller_1") == "/v1/relays/{channelId}")
        #expect(validator.template(for: "/v1/relays/{channelId}") == "/v1/relays/{channelId}")
        #expect(validator.template(for: "/v1/hooks/agora") == "/v1/hooks/agora")
        #expect(validator.template(for: "/v1/hooks/other") == "/v1/hooks/{name}")
        #expect(validator.template(for: "/v1/relays/a/b") == nil)
        #expect(validator.template(for: "/v1/relays/") == nil)
        #expect(validator.template(for: "/v2/relays") == nil)

        let json = ["content-type": "application/json"]
        let notFound = HTTPReply(status: 404, headers: json, body: Data(#"{"error": {"code": "not_found", "message": "x"}}"#.utf8))
        #expect(validator.problems("GET", "/v1/relays/seller_1", notFound).isEmpty)
        #expect(!validator.problems("GET", "/v1/nothing", notFound).isEmpty)
        #expect(validator.errorProblems("GET", "/v1/nothing", notFound).isEmpty)
        #expect(!validator.errorProblems("GET", "/v1/nothing", HTTPReply(status: 200, headers: json, body: Data("{}".utf8))).isEmpty)
        #expect(!validator.errorProblems("GET", "/v1/nothing", HTTPReply(status: 404, headers: [:], body: Data("gone".utf8))).isEmpty)
        #expect(!validator.errorProblems("GET", "/v1/nothing", HTTPReply(status: 404, headers: json, body: Data(#"{"e": 1}"#.utf8))).isEmpty)
    }
}
