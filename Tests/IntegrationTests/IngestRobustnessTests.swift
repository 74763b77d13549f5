import Foundation
import Testing
import TestSupport

/// Hostile and broken connections to the ingest port — garbage, malformed handshakes,
/// truncated and absurd chunks, connections that never publish or go quiet, more
/// connections than allowed — are closed one by one while a real publisher's relay goes
/// on undisturbed and the gateway stays up.
@Suite(.serialized)
struct IngestRobustnessTests {
    /// A fmt-0 chunk header on chunk stream 3 declaring a message of `length` bytes of `type`.
    static func header(length: Int, type: UInt8 = 20, timestamp: UInt32 = 0) -> [UInt8] {
        [0x03, UInt8(timestamp >> 16 & 0xFF), UInt8(timestamp >> 8 & 0xFF), UInt8(timestamp & 0xFF),
         UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF), type, 0, 0, 0, 0]
    }

    struct Attack: Sendable, CustomStringConvertible {
        var description: String
        var handshake: Bool
        var bytes: [UInt8]
    }

    static var attacks: [Attack] {
        var generator = SystemRandomNumberGenerator()
        let random = (0..<5000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return [
            Attack(description: "random bytes", handshake: false, bytes: random),
            Attack(description: "C0 with version 6", handshake: false, bytes: [6] + Array(random.prefix(1536))),
            Attack(description: "a 16 MiB message declared", handshake: true, bytes: header(length: 0xFF_FFFF) + Array(random.prefix(128))),
            Attack(description: "a type 3 chunk on a chunk stream never opened", handshake: true, bytes: [0xC7] + Array(random.prefix(64))),
            Attack(description: "Set Chunk Size 0", handshake: true, bytes: [0x02, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0, 0, 0, 0]),
            Attack(description: "a connect command that is not AMF0", handshake: true, bytes: header(length: 64) + Array(random.prefix(64))),
            Attack(description: "random bytes after the handshake", handshake: true, bytes: random),
        ]
    }

    /// The counter `relaygate_ingest_refused_total` of `reason` (0 while absent).
    static func refused(_ metrics: PrometheusText, _ reason: String) -> Double {
        metrics.values("relaygate_ingest_refused_total").first { $0.labels["reason"] == reason }?.value ?? 0
    }

    static func total(_ metrics: PrometheusText, _ name: String) -> Double {
        metrics.values(name).first?.value ?? 0
    }

    /// Each kind of bad connection is closed by the server for its own reason, counted by
    /// reason in /metrics; when a timeout fires is the ingest server's logic, checked on a
    /// manual clock in RTMPIngestTests (ConnectionTimeoutTests).
    @Test func brokenConnectionsAreClosedAndHarmNothingElse() async throws {
        let h = try await GatewayHarness(
            routes: "routes:\n" + ingestRoute("cam", channel: "cam", source: "{ type: rtmp, key: k }"), api: true, ingest: true,
            ingestSettings: "handshake_timeout: 2s\nidle_timeout: 1s\nmax_connections: 12")
        defer { h.stop() }
        let flv = try RTMPTestPublisherFLV(path: try h.clip("clip", seconds: 2))
        let (good, run) = try await startPublishing(h.url("live", "k"), flv)
        defer { _ = try? run.stop() }
        #expect(await h.hlsFlows("cam"), "\(h.log)")
        let port = try #require(h.ingestPort)

        for attack in Self.attacks {
            let closed = try await RTMPTestPublisherThread.run { () -> Bool in
                let connection = try RTMPTestPublisherRawConnection(port: port)
                if attack.handshake { try connection.handshake() }
                try? connection.send(attack.bytes)
                return try connection.waitForClose(timeout: .seconds(20))
            }
            #expect(closed, "not closed after \(attack)")
        }
        let afterAttacks = try await h.api.metrics()
        #expect(Self.refused(afterAttacks, "protocol_error") >= 1, "\(afterAttacks.values("relaygate_ingest_refused_total"))")

        // A connection that completes the handshake and then says nothing: closed by idle_timeout.
        let idleClosed = try await RTMPTestPublisherThread.run { () -> Bool in
            let connection = try RTMPTestPublisherRawConnection(port: port)
            try connection.handshake()
            return try connection.waitForClose(timeout: .seconds(30))
        }
        #expect(idleClosed, "a silent connection was never closed")
        #expect(h.log.contains("ingest connection closed: nothing received for too long"), "\(h.log)")

        // A connection that keeps talking without ever publishing: closed by handshake_timeout,
        // never by idle_timeout (it is never quiet for 1 s).
        let neverPublishes = try await RTMPTestPublisherThread.run { () -> Bool in
            let connection = try RTMPTestPublisherRawConnection(port: port)
            try connection.handshake()
            let deadline = ContinuousClock.now + .seconds(30)
            // An Acknowledgement every 100 ms: valid, and not a publish.
            while ContinuousClock.now < deadline, !connection.serverClosed {
                try? connection.send([0x02, 0, 0, 0, 0, 0, 4, 3, 0, 0, 0, 0, 0, 0, 0, 1])
                try connection.read(for: .milliseconds(100))
            }
            return connection.serverClosed
        }
        #expect(neverPublishes, "a connection that never publishes was never closed")
        #expect(h.log.contains("ingest connection closed: not publishing 2s after connecting"), "\(h.log)")
        let afterTimeouts = try await h.api.metrics()
        #expect(Self.refused(afterTimeouts, "timeout") - Self.refused(afterAttacks, "timeout") == 2)

        // More connections than max_connections (12, the publisher holds one): the server
        // refuses exactly the three over the limit, as it accepts them.
        let accepted = Self.total(afterTimeouts, "relaygate_ingest_connections_total")
        let connections = try await RTMPTestPublisherThread.run { () -> [RTMPTestPublisherRawConnection] in
            try (0..<14).map { _ in try RTMPTestPublisherRawConnection(port: port) }
        }
        let counted = try await eventually(timeout: .seconds(20), every: .milliseconds(50)) {
            Self.total(try await h.api.metrics(), "relaygate_ingest_connections_total") >= accepted + 14
        }
        #expect(counted, "the server did not accept all 14 connections")
        let overflow = try await h.api.metrics()
        #expect(Self.refused(overflow, "max_connections") - Self.refused(afterTimeouts, "max_connections") == 3)
        for connection in connections { connection.close() }

        // Through all of it the publisher's relay kept its one session and kept going.
        #expect(await h.hlsKeepsComing("cam", count: 2), "the stream stalled")
        #expect(!good.serverClosed && run.error == nil, "\(String(describing: run.error))")
        #expect(h.nginx.publishSessions("cam").count == 1)
        #expect(h.child.isRunning)
        let log = h.log
        #expect(log.contains("protocol error"), "\(log)")
        #expect(log.contains("max_connections"), "\(log)")
    }
}
