import Hummingbird
import HummingbirdCore
import HummingbirdTLS
public import Logging
public import RelayCore
public import ServiceLifecycle

/// The control API's HTTP (or HTTPS) server, as a service: it serves until its service group
/// shuts it down (`relaygate run` does so after the relays, so clients see state to the end).
public final class APIServer: Service {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var tokens: [(token: String, scope: APIScope)]
        public var maxBody: Int
        /// HTTPS when set.
        public var tls: APITLS?

        public init(
            host: String, port: Int, tokens: [(token: String, scope: APIScope)], maxBody: Int, tls: APITLS? = nil
        ) {
            self.host = host
            self.port = port
            self.tokens = tokens
            self.maxBody = maxBody
            self.tls = tls
        }
    }

    private let app: any Service

    /// `webhooks`: receivers served at `POST /v1/webhooks/<name>` (plugin companions). Throws
    /// `APITLS.SetupError` when `tls` names files that are not a usable certificate and key.
    public init(
        configuration: Configuration, control: any RelayControl, webhooks: [any WebhookReceiver] = [], logger: Logger
    ) throws {
        let router = Router(context: RelayAPIRequestContext.self)
        router.add(middleware: ErrorMiddleware())
        router.add(
            middleware: BearerAuthMiddleware(tokens: configuration.tokens.map { (Array($0.token.utf8), $0.scope) }))
        RelayRoutes(control: control, maxBody: configuration.maxBody, document: OpenAPIDocument.json(webhooks: webhooks))
            .register(on: router)
        WebhookRoutes(receivers: Dictionary(webhooks.map { ($0.name, $0) }) { first, _ in first }).register(on: router)
        let server: HTTPServerBuilder = try configuration.tls.map { try .tls(tlsConfiguration: $0.serverConfiguration()) } ?? .http1()
        let scheme = configuration.tls == nil ? "http" : "https"
        let app = Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "relaygate"),
            onServerRunning: { channel in
                logger.notice(
                    "control API listening",
                    metadata: ["address": "\(channel.localAddress?.description ?? "?")", "scheme": "\(scheme)"])
            },
            logger: logger)
        self.app = app
    }

    /// Serves until its group shuts it down; throws if the address cannot be bound.
    public func run() async throws { try await app.run() }
}
