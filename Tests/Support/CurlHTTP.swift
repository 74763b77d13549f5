public import Foundation

/// HTTP(S) through the curl CLI, for servers URLSession on Linux cannot be told to trust:
/// `caCertificate` is the only root curl accepts. Same replies as `HTTPClient`.
public struct CurlHTTP: Sendable {
    public let baseURL: String
    public let caCertificate: String

    public init(baseURL: String, caCertificate: String) {
        self.baseURL = baseURL
        self.caCertificate = caCertificate
    }

    public func send(_ method: String, _ path: String, headers: [String: String], body: Data?) throws -> HTTPReply {
        let scratch = try TempDirectory("curl")
        var arguments = [
            "-sS", "--max-time", "15", "--cacert", caCertificate, "-X", method, "-D", scratch.file("headers"),
            "-o", scratch.file("body"),
        ]
        for (name, value) in headers { arguments += ["-H", "\(name): \(value)"] }
        if let body {
            try body.write(to: URL(fileURLWithPath: scratch.file("request")))
            arguments += ["--data-binary", "@\(scratch.file("request"))"]
        }
        let result = try runProgram("/usr/bin/curl", arguments + [baseURL + path])
        guard result.status == 0 else { throw TestFailure("curl \(method) \(path): \(result.stderr)") }
        let head = (try? String(contentsOfFile: scratch.file("headers"), encoding: .utf8)) ?? ""
        // The last response block is the answer (a 100 Continue may come first).
        let block = head.components(separatedBy: "\r\n\r\n").last { !$0.isEmpty } ?? ""
        let lines = block.components(separatedBy: "\r\n")
        guard let statusLine = lines.first, let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") else {
            throw TestFailure("curl \(method) \(path): no status line in \(head)")
        }
        var fields: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let data = (try? Data(contentsOf: URL(fileURLWithPath: scratch.file("body")))) ?? Data()
        return HTTPReply(status: status, headers: fields, body: data)
    }
}
