public import Foundation

/// Checks responses against an OpenAPI 3.0 document: the operation's declared response for
/// the status code, its required headers, and its JSON body against the schema. Supports
/// the subset of JSON Schema the relaygate document uses: `$ref`, `type`, `required`,
/// `properties`, `additionalProperties: false`, `enum`, `items`, `nullable`,
/// `minLength`/`maxLength`, `format: date-time`.
public struct OpenAPIValidator: @unchecked Sendable {
    // @unchecked: the parsed document is immutable after init.
    private let document: [String: Any]

    public init(json: Data) throws {
        guard let document = try JSONSerialization.jsonObject(with: json) as? [String: Any],
            (document["openapi"] as? String)?.hasPrefix("3.") == true, document["paths"] is [String: Any]
        else { throw TestFailure("not an OpenAPI 3 document") }
        self.document = document
    }

    /// The documented path that a request to `path` (concrete, maybe with a query) is served
    /// by: the path itself when the document has it, else the template whose `{parameter}`
    /// segments match, a literal segment winning over a parameter (`/v1/webhooks/agora`
    /// before `/v1/webhooks/{name}`). Nil when none matches.
    public func template(for path: String) -> String? {
        let bare = String(path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0])
        let paths = (document["paths"] as? [String: Any]) ?? [:]
        if paths[bare] != nil { return bare }
        let segments = bare.split(separator: "/", omittingEmptySubsequences: false)
        let matches = paths.keys.filter { template in
            let parts = template.split(separator: "/", omittingEmptySubsequences: false)
            return parts.count == segments.count
                && zip(parts, segments).allSatisfy { part, segment in
                    part == segment || (part.hasPrefix("{") && part.hasSuffix("}") && !segment.isEmpty)
                }
        }
        // Fewest parameters first: the most literal template serves the request.
        return matches.min { parameters($0) < parameters($1) || (parameters($0) == parameters($1) && $0 < $1) }
    }

    private func parameters(_ template: String) -> Int { template.filter { $0 == "{" }.count }

    /// Every problem with `reply` as the answer to `method` on `path` (a template such as
    /// `/v1/relays/{channelId}`, or a concrete path, whose template is looked up); empty
    /// when it conforms.
    public func problems(_ method: String, _ path: String, _ reply: HTTPReply) -> [String] {
        let at = "\(method) \(path) → \(reply.status)"
        guard let documented = template(for: path),
            let operation = ((document["paths"] as? [String: Any])?[documented] as? [String: Any])?[method.lowercased()]
                as? [String: Any]
        else { return ["\(at): no such operation in the document"] }
        guard let declared = (operation["responses"] as? [String: Any])?["\(reply.status)"] as? [String: Any] else {
            return ["\(at): status not declared"]
        }
        let response = resolve(declared)
        var problems: [String] = []
        for (name, header) in (response["headers"] as? [String: Any]) ?? [:] {
            if (header as? [String: Any])?["required"] as? Bool == true, reply.headers[name.lowercased()] == nil {
                problems.append("\(at): required header \(name) missing")
            }
        }
        guard let content = response["content"] as? [String: Any] else {
            if !reply.body.isEmpty { problems.append("\(at): body not declared but \(reply.body.count) bytes sent") }
            return problems
        }
        let mediaType = reply.headers["content-type"]?.split(separator: ";").first.map(String.init) ?? ""
        guard let media = content[mediaType] as? [String: Any] else {
            return problems + ["\(at): content type \"\(mediaType)\" not declared (\(content.keys.sorted()))"]
        }
        guard mediaType == "application/json", let schema = media["schema"] as? [String: Any] else { return problems }
        guard let value = reply.json else { return problems + ["\(at): body is not JSON: \(reply.text)"] }
        validate(value, schema, at: "\(at) body", into: &problems)
        return problems
    }

    /// Problems with `reply` as an answer the document does not list (an unknown endpoint):
    /// it must still be an error in the document's `Error` schema, as JSON.
    public func errorProblems(_ method: String, _ path: String, _ reply: HTTPReply) -> [String] {
        let at = "\(method) \(path) → \(reply.status)"
        var problems: [String] = []
        if reply.status < 400 { problems.append("\(at): an undocumented request succeeded") }
        let mediaType = reply.headers["content-type"]?.split(separator: ";").first.map(String.init) ?? ""
        guard mediaType == "application/json", let value = reply.json else {
            return problems + ["\(at): not a JSON error (\(mediaType)): \(reply.text)"]
        }
        validate(value, ["$ref": "#/components/schemas/Error"], at: "\(at) body", into: &problems)
        return problems
    }

    private func resolve(_ node: [String: Any]) -> [String: Any] {
        guard let ref = node["$ref"] as? String, ref.hasPrefix("#/") else { return node }
        var current: Any = document
        for part in ref.dropFirst(2).split(separator: "/") {
            guard let next = (current as? [String: Any])?[String(part)] else { return [:] }
            current = next
        }
        return resolve(current as? [String: Any] ?? [:])
    }

    private func validate(_ value: Any, _ schemaNode: [String: Any], at path: String, into problems: inout [String]) {
        let schema = resolve(schemaNode)
        if value is NSNull {
            if schema["nullable"] as? Bool != true { problems.append("\(path): null not allowed") }
            return
        }
        if let choices = schema["enum"] as? [Any], !choices.contains(where: { "\($0)" == "\(value)" }) {
            problems.append("\(path): \(value) not one of \(choices)")
        }
        switch schema["type"] as? String {
        case "object"?:
            guard let object = value as? [String: Any] else { return problems.append("\(path): expected an object") }
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for name in schema["required"] as? [String] ?? [] where object[name] == nil {
                problems.append("\(path): required property \"\(name)\" missing")
            }
            for (name, item) in object {
                if let property = properties[name] as? [String: Any] {
                    validate(item, property, at: "\(path).\(name)", into: &problems)
                } else if schema["additionalProperties"] as? Bool == false {
                    problems.append("\(path): property \"\(name)\" not declared")
                }
            }
        case "array"?:
            guard let array = value as? [Any] else { return problems.append("\(path): expected an array") }
            if let items = schema["items"] as? [String: Any] {
                for (index, item) in array.enumerated() { validate(item, items, at: "\(path)[\(index)]", into: &problems) }
            }
        case "string"?:
            guard let text = value as? String else { return problems.append("\(path): expected a string, got \(value)") }
            if let min = schema["minLength"] as? Int, text.count < min { problems.append("\(path): shorter than \(min)") }
            if let max = schema["maxLength"] as? Int, text.count > max { problems.append("\(path): longer than \(max)") }
            if schema["format"] as? String == "date-time", ISO8601DateFormatter().date(from: text) == nil {
                problems.append("\(path): \"\(text)\" is not a date-time")
            }
        case "integer"?:
            guard let number = value as? NSNumber, !Self.isBool(number), number.doubleValue.rounded() == number.doubleValue
            else { return problems.append("\(path): expected an integer, got \(value)") }
        case "number"?:
            guard let number = value as? NSNumber, !Self.isBool(number) else {
                return problems.append("\(path): expected a number, got \(value)")
            }
        case "boolean"?:
            guard let number = value as? NSNumber, Self.isBool(number) else {
                return problems.append("\(path): expected a boolean, got \(value)")
            }
        default: break
        }
    }

    /// JSONSerialization gives NSNumber for numbers and booleans alike.
    private static func isBool(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c" || type(of: number) == type(of: NSNumber(value: true))
    }
}
