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

    @Test func brokenConnectionsAreClosedAndHarmNothingElse() async throws {
        let harness = try await IngestHarness(
            routes: "routes:\n" + ingestRoute("cam", channel: "cam", source: "{ type: rtmp, key: k }"),
            ingest: "  handshake_timeout: 3s\n  idle_timeout: 1s\n  max_connections: 12\n")
        defer { harness.gateway.child.signal(SIGKILL) }
        let flv = try RTMPTestPublisherFLV(path: try harness.clip("clip", seconds: 2))
        let (good, run) = try await startPublishing(harness.url("live", "k"), flv)
        defer { _ = try? run.stop() }
        #expect(await eventually(timeout: .seconds(15)) { harness.nginx.segments("cam").count >= 2 }, "\(harness.gateway.log)")
        let segmentsBefore = harness.nginx.segments("cam").count

        for attack in Self.attacks {
            let port = harness.ingestPort
            let closed = try await RTMPTestPublisherThread.run { () -> Bool in
                let connection = try RTMPTestPublisherRawConnection(port: port)
                if attack.handshake { try connection.handshake() }
                try? connection.send(attack.bytes)
                return try connection.waitForClose(timeout: .seconds(3))
            }
            #expect(closed, "not closed after \(attack)")
        }

        // A connection that completes the handshake and then says nothing: idle_timeout (1 s).
        let port = harness.ingestPort
        let idleAfter = try await RTMPTestPublisherThread.run { () -> Duration? in
            let connection = try RTMPTestPublisherRawConnection(port: port)
            try connection.handshake()
            let start = ContinuousClock.now
            guard try connection.waitForClose(timeout: .seconds(5)) else { return nil }
            return (connection.serverClosedAt ?? .now) - start
        }
        #expect(idleAfter.map { $0 >= .milliseconds(800) && $0 < .milliseconds(2500) } == true, "\(String(describing: idleAfter))")

        // A connection that keeps talking without ever publishing: handshake_timeout (3 s).
        let neverPublishes = try await RTMPTestPublisherThread.run { () -> Duration? in
            let connection = try RTMPTestPublisherRawConnection(port: port)
            let start = ContinuousClock.now
            try connection.handshake()
            // An Acknowledgement every 300 ms: valid, and not a publish.
            while ContinuousClock.now - start < .seconds(6), !connection.serverClosed {
                try? connection.send([0x02, 0, 0, 0, 0, 0, 4, 3, 0, 0, 0, 0, 0, 0, 0, 1])
                try connection.read(for: .milliseconds(300))
            }
            return connection.serverClosedAt.map { $0 - start }
        }
        #expect(neverPublishes.map { $0 >= .milliseconds(2800) && $0 < .seconds(5) } == true, "\(String(describing: neverPublishes))")

        // More connections than max_connections (12, the publisher holds one): the rest are closed at once.
        let overflow = try await RTMPTestPublisherThread.run { () -> (held: Int, closed: Int) in
            let connections = try (0..<14).map { _ in try RTMPTestPublisherRawConnection(port: port) }
            // Well within idle_timeout (1 s), which would close the others too.
            Thread.sleep(forTimeInterval: 0.3)
            let closed = try connections.filter { try $0.waitForClose(timeout: .milliseconds(5)) }.count
            return (connections.count - closed, closed)
        }
        #expect(overflow == (held: 11, closed: 3), "\(overflow)")

        // Through all of it the publisher's relay kept its one session and kept going.
        try await Task.sleep(for: .seconds(2))
        #expect(!good.serverClosed && run.error == nil, "\(String(describing: run.error))")
        #expect(harness.nginx.publishSessions("cam").count == 1)
        #expect(harness.nginx.segments("cam").count >= segmentsBefore + 4, "the stream stalled")
        #expect(harness.gateway.child.isRunning)
        let log = harness.gateway.log
        #expect(log.contains("protocol error"), "\(log)")
        #expect(log.contains("max_connections"), "\(log)")
    }
}
