import Foundation
import Glibc
package import Logging
import NIOCore
import NIOPosix
import NIOSSL
package import RelayCore
import RTMPProtocol
import Synchronization

/// The gateway's RTMP ingest server: one listener for every publisher; each is matched by
/// app and stream key to a relay's endpoint, and its media goes to that relay's worker.
///
/// Everything runs on one event-loop thread of its own: per message the server only looks
/// up and writes (parsing the media is the worker's job), and one loop lets the media path
/// run without locks. The supervisor drives it through `IngestDirectory` from any thread.
package final class RTMPIngestServer: IngestDirectory {
    package let configuration: RTMPIngestConfiguration
    private let logger: Logger
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private var loop: any EventLoop { group.any() }
    /// Endpoints by relay and by app + key. Leaf lock: nothing is called while holding it.
    private let endpoints = Mutex<(byRelay: [String: Endpoint], bySlot: [String: Endpoint])>(([:], [:]))
    /// The plain listener, and the TLS one when RTMPS is on.
    private let listeners = Mutex<[any Channel]>([])
    private let connections = Atomic<Int>(0)
    /// Each relay's newest attach: an older one that completes late is discarded.
    private let feedGenerations = Mutex<[String: Int]>([:])
    private let lastRefusalLog = Mutex<ContinuousClock.Instant?>(nil)

    package init(configuration: RTMPIngestConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    package var publicURL: String { configuration.publicURL }

    package var secureURL: String? { configuration.tls?.publicURL }

    package var isListening: Bool { listeners.withLock { !$0.isEmpty } }

    /// Binds the listener (and the RTMPS one); throws when an address cannot be bound or the
    /// certificate or key cannot be read.
    package func listen() async throws {
        guard !isListening else { return }
        let configuration = self.configuration
        // Read the certificate first: a bad one must not leave a half-started server.
        let tls = try configuration.tls.map { settings in (settings, try Self.tlsContext(settings)) }
        let plain = try await bind(host: configuration.host, port: configuration.port, tls: nil)
        listeners.withLock { $0.append(plain) }
        scheduleRateSampling(on: plain.eventLoop)
        logger.notice(
            "RTMP ingest listening",
            metadata: ["address": "\(plain.localAddress?.description ?? "?")", "public_url": "\(configuration.publicURL)"])
        if let (settings, context) = tls {
            let secure = try await bind(host: settings.host, port: settings.port, tls: context)
            listeners.withLock { $0.append(secure) }
            logger.notice(
                "RTMPS ingest listening",
                metadata: ["address": "\(secure.localAddress?.description ?? "?")", "public_url": "\(settings.publicURL)"])
        }
    }

    private func bind(host: String, port: Int, tls: NIOSSLContext?) async throws -> any Channel {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // Replies are small and a publisher waits for each; do not let Nagle hold them.
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture { try self.setUp(channel, tls: tls) }
            }
            .bind(host: host, port: port).get()
    }

    /// TLS 1.2 or newer with the configured certificate chain and key.
    private static func tlsContext(_ settings: RTMPIngestConfiguration.TLS) throws -> NIOSSLContext {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(settings.certificatePath)
            let key = try NIOSSLPrivateKey(file: settings.privateKeyPath, format: .pem)
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
            configuration.minimumTLSVersion = .tlsv12
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSSetupError(
                description: "RTMPS: cannot use certificate \(settings.certificatePath) with key \(settings.privateKeyPath): \(error)")
        }
    }

    struct TLSSetupError: Error, CustomStringConvertible {
        var description: String
    }

    /// Closes the listeners, every publisher and every feed.
    package func shutdown() async {
        let channels = listeners.withLock { current in
            defer { current = [] }
            return current
        }
        for channel in channels { try? await channel.close() }
        let all = endpoints.withLock { tables in
            defer { tables = ([:], [:]) }
            return Array(tables.byRelay.values)
        }
        for endpoint in all { try? await loop.submit { endpoint.close() }.get() }
        try? await group.shutdownGracefully()
    }

    private func setUp(_ channel: any Channel, tls: NIOSSLContext?) throws {
        let open = connections.wrappingAdd(1, ordering: .relaxed).newValue
        IngestMetrics.connectionOpened()
        channel.closeFuture.whenComplete { [self] _ in
            connections.wrappingSubtract(1, ordering: .relaxed)
            IngestMetrics.connectionClosed()
        }
        guard open <= configuration.maxConnections else {
            IngestMetrics.refused(.maxConnections)
            logRefusal("ingest connection refused: \(configuration.maxConnections) connections are open (max_connections)")
            channel.close(promise: nil)
            return
        }
        let counters = ConnectionCounters()
        let idle = TimeAmount.milliseconds(configuration.idleTimeout.milliseconds)
        if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
        try channel.pipeline.syncOperations.addHandlers(
            ByteCounter(counters),
            IdleStateHandler(readTimeout: idle),
            RTMPServerHandler(configuration: configuration.session),
            PublisherHandler(
                lookup: { [self] app, key in endpoints.withLock { $0.bySlot[Self.slot(app, key)] } },
                counters: counters, handshakeTimeout: configuration.handshakeTimeout, logger: logger))
    }

    /// Turned-away connections come in floods (a scanner, a misconfigured encoder fleet):
    /// say so at most every 10 s.
    private func logRefusal(_ message: String) {
        let now = ContinuousClock.now
        let due = lastRefusalLog.withLock { last in
            guard last.map({ now - $0 >= .seconds(10) }) ?? true else { return false }
            last = now
            return true
        }
        if due { logger.warning("\(message)") }
    }

    /// Each publisher's bitrate over the last second, once a second.
    private func scheduleRateSampling(on loop: any EventLoop) {
        loop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { [self] _ in
            let all = endpoints.withLock { Array($0.byRelay.values) }
            for endpoint in all { endpoint.sampleRate(over: .seconds(1)) }
        }
    }

    private static func slot(_ app: String, _ key: String) -> String { "\(app)/\(key)" }

    // MARK: - IngestDirectory

    package func register(_ registration: IngestRegistration) throws(IngestConflict) {
        let endpoint = Endpoint(registration: registration, loop: loop, logger: logger)
        let slot = Self.slot(registration.app, registration.key)
        let displaced: Endpoint? = try endpoints.withLock { tables throws(IngestConflict) in
            if let holder = tables.bySlot[slot], holder.registration.relay != registration.relay {
                throw IngestConflict(holder: holder.registration.relay, app: registration.app)
            }
            let previous = tables.byRelay[registration.relay]
            if let previous { tables.bySlot[Self.slot(previous.registration.app, previous.registration.key)] = nil }
            tables.byRelay[registration.relay] = endpoint
            tables.bySlot[slot] = endpoint
            return previous
        }
        if let displaced { loop.execute { displaced.close() } }
    }

    package func unregister(relay: String) {
        let removed = endpoints.withLock { tables -> Endpoint? in
            guard let endpoint = tables.byRelay.removeValue(forKey: relay) else { return nil }
            tables.bySlot[Self.slot(endpoint.registration.app, endpoint.registration.key)] = nil
            return endpoint
        }
        feedGenerations.withLock { $0[relay] = nil }
        if let removed { loop.execute { removed.close() } }
    }

    package func attach(relay: String, descriptor: Int32) {
        guard let endpoint = endpoints.withLock({ $0.byRelay[relay] }) else {
            Glibc.close(descriptor)
            return
        }
        let generation = nextFeedGeneration(relay)
        let queue = configuration.queueBytes
        ClientBootstrap(group: group)
            .channelOption(.writeBufferWaterMark, value: ChannelOptions.Types.WriteBufferWaterMark(low: queue / 2, high: queue))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        WorkerFeedHandler { [weak channel] in
                            if let channel { endpoint.feedClosed(channel) }
                        })
                }
            }
            .withConnectedSocket(descriptor)
            .whenComplete { [self] result in
                switch result {
                case .success(let channel):
                    if currentFeedGeneration(relay) == generation {
                        endpoint.attach(channel)
                    } else {
                        channel.close(promise: nil)
                    }
                case .failure(let error):
                    logger.error("cannot read the ingest socket of relay \(relay)'s worker: \(error)")
                }
            }
    }

    package func detach(relay: String) {
        _ = nextFeedGeneration(relay)
        guard let endpoint = endpoints.withLock({ $0.byRelay[relay] }) else { return }
        loop.execute { endpoint.detach() }
    }

    package func status(relay: String) -> IngestStatus? {
        endpoints.withLock { $0.byRelay[relay] }?.status()
    }

    private func nextFeedGeneration(_ relay: String) -> Int {
        feedGenerations.withLock { generations in
            generations[relay, default: 0] += 1
            return generations[relay]!
        }
    }

    private func currentFeedGeneration(_ relay: String) -> Int { feedGenerations.withLock { $0[relay] ?? 0 } }
}
