import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// One HTTP request as a local test server received it: the body is the exact bytes sent.
public struct LocalHTTPRequest: Sendable {
    public let method: String
    /// Path and query as sent ("/na/v1/projects/x/rtmp-converters?cursor=0").
    public let uri: String
    public let headers: [(String, String)]
    public let body: [UInt8]

    public var path: String { String(uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]) }

    public var query: String? {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.count > 1 ? String(parts[1]) : nil
    }

    /// The value of query parameter `name`, percent-decoded.
    public func queryItem(_ name: String) -> String? {
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts[0] == name { return parts.count > 1 ? String(parts[1]).removingPercentEncoding : "" }
        }
        return nil
    }

    /// The first header `name` (case-insensitive).
    public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
}

public struct LocalHTTPResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// A plain HTTP/1.1 server on 127.0.0.1 and a free port, answering each request with an
/// async handler: the transport under the fake Agora cloud and the webhook recorder.
public final class LocalHTTPServer: Sendable {
    public let port: Int
    private let listener: any Channel
    private let serving: Task<Void, Never>

    public typealias Handler = @Sendable (LocalHTTPRequest) async -> LocalHTTPResponse

    public static func start(_ handler: @escaping Handler) async throws -> LocalHTTPServer {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        guard let port = server.channel.localAddress?.port else { throw TestFailure("local HTTP server has no port") }
        let listener = server.channel
        let serving = Task<Void, Never> {
            _ = try? await server.executeThenClose { connections in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in connections {
                        group.addTask { try? await serve(connection, handler) }
                    }
                }
            }
        }
        return LocalHTTPServer(port: port, listener: listener, serving: serving)
    }

    private init(port: Int, listener: any Channel, serving: Task<Void, Never>) {
        self.port = port
        self.listener = listener
        self.serving = serving
    }

    /// Stops listening and drops open keep-alive connections (cancelling ends their reads).
    public func stop() async {
        serving.cancel()
        try? await listener.close()
        await serving.value
    }

    /// A server its owner forgot to stop still closes when released.
    deinit { serving.cancel() }

    private static func serve(
        _ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, _ handler: Handler
    ) async throws {
        try await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let received):
                    head = received
                    body = []
                case .body(var chunk):
                    body += chunk.readBytes(length: chunk.readableBytes) ?? []
                case .end:
                    guard let request = head else { continue }
                    let response = await handler(
                        LocalHTTPRequest(
                            method: request.method.rawValue, uri: request.uri,
                            headers: request.headers.map { ($0.name, $0.value) }, body: body))
                    var headers = HTTPHeaders(response.headers)
                    headers.replaceOrAdd(name: "Content-Length", value: "\(response.body.count)")
                    if !request.isKeepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
                    try await outbound.write(
                        .head(HTTPResponseHead(version: request.version, status: .init(statusCode: response.status), headers: headers)))
                    if !response.body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body)))) }
                    try await outbound.write(.end(nil))
                    if !request.isKeepAlive { return }
                }
            }
        }
    }
}
