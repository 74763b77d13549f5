import NIOCore
import Testing
import TestSupport

@testable import RTMPProtocol

@Suite struct RTMPHandshakeStateMachineTests {
    static let packetLength = 1536

    /// HMAC-SHA256 of `message`, through the module's digest function (which leaves out 32
    /// bytes at an offset: here, 32 bytes appended for the purpose). Checked against RFC 4231
    /// below, so the client side in these tests rests on a verified primitive only.
    static func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        RTMPHandshakeDigest.digest(of: message + [UInt8](repeating: 0, count: 32), excludingAt: message.count, key: key)
    }

    static func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    }

    /// The digest offset of scheme 0 (bytes 8...11) or 1 (bytes 772...775), written out again
    /// the way librtmp's `GetDigestOffset1/2` compute it.
    static func digestOffset(_ packet: [UInt8], scheme: Int) -> Int {
        let base = scheme == 0 ? 8 : 772
        return (Int(packet[base]) + Int(packet[base + 1]) + Int(packet[base + 2]) + Int(packet[base + 3])) % 728 + base + 4
    }

    /// A Flash Player 9 style C1 as librtmp and FFmpeg build it: time, a non-zero version,
    /// random bytes, and the digest under the Flash Player key's first 30 bytes.
    static func signedC1(scheme: Int) -> (c1: [UInt8], digest: [UInt8]) {
        var c1 = [0, 0, 0, 0, 9, 0, 124, 2] + Self.randomBytes(Self.packetLength - 8, seed: 11)
        let offset = Self.digestOffset(c1, scheme: scheme)
        let key = Array("Genuine Adobe Flash Player 001".utf8)
        let digest = Self.hmac(key: key, message: Array(c1[..<offset] + c1[(offset + 32)...]))
        c1.replaceSubrange(offset..<(offset + 32), with: digest)
        return (c1, digest)
    }

    static func respond(to c1: [UInt8]) throws -> (s0: UInt8, s1: [UInt8], s2: [UInt8]) {
        var machine = RTMPHandshakeStateMachine(serverTime: 0x0102_0304, randomNumberGenerator: SplitMix64(seed: 3))
        var buffer = ByteBuffer(bytes: [3] + c1)
        guard case .send(var response) = try machine.receive(&buffer) else {
            Issue.record("no S0S1S2")
            return (0, [], [])
        }
        #expect(response.readableBytes == 1 + 2 * Self.packetLength)
        return (
            response.readInteger()!, response.readBytes(length: Self.packetLength)!, response.readBytes(length: Self.packetLength)!
        )
    }

    @Test func hmacPrimitiveMatchesRFC4231() {
        let mac = Self.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(mac == Array(ByteBuffer(hex: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843").readableBytesView))
    }

    @Test func plainHandshakeEchoesC1() throws {
        let c1 = [0, 0, 0, 7, 0, 0, 0, 0] + Self.randomBytes(Self.packetLength - 8, seed: 1)
        let (s0, s1, s2) = try Self.respond(to: c1)
        #expect(s0 == 3)
        #expect(s1[0..<8] == [1, 2, 3, 4, 0, 0, 0, 0])
        #expect(s2 == c1)
    }

    @Test(arguments: [0, 1])
    func digestHandshakeSignsS1AndS2AsClientsVerify(scheme: Int) throws {
        let (c1, clientDigest) = Self.signedC1(scheme: scheme)
        let (s0, s1, s2) = try Self.respond(to: c1)
        #expect(s0 == 3)
        #expect(s1[0..<8] == [1, 2, 3, 4, 4, 5, 0, 1])

        // S1: the server digest at the client's scheme's offset, under the server key's first 36 bytes.
        let offset = Self.digestOffset(s1, scheme: scheme)
        let serverKey = Array("Genuine Adobe Flash Media Server 001".utf8)
        #expect(Array(s1[offset..<(offset + 32)]) == Self.hmac(key: serverKey, message: Array(s1[..<offset] + s1[(offset + 32)...])))

        // S2: its last 32 bytes sign the rest, keyed by HMAC(full 68-byte server key, client digest).
        let fullServerKey =
            serverKey
            + Array(
                ByteBuffer(
                    hex: """
                        F0EEC24A8068BEE82E00D0D1029E7E576EEC5D2D29806FAB93B8E636CFEB31AE
                        """
                ).readableBytesView)
        let signatureKey = Self.hmac(key: fullServerKey, message: clientDigest)
        #expect(Array(s2[1504...]) == Self.hmac(key: signatureKey, message: Array(s2[..<1504])))
    }

    @Test func aBadDigestGetsThePlainAnswer() throws {
        var (c1, _) = Self.signedC1(scheme: 0)
        c1[Self.digestOffset(c1, scheme: 0)] ^= 1
        let (_, s1, s2) = try Self.respond(to: c1)
        #expect(s1[4..<8] == [0, 0, 0, 0])
        #expect(s2 == c1)
    }

    @Test func completesAfterC2AndLeavesWhatFollows() throws {
        var machine = RTMPHandshakeStateMachine(serverTime: 0)
        var buffer = ByteBuffer(bytes: [3] + Self.randomBytes(Self.packetLength - 1, seed: 5))
        #expect(try { if case .needMoreBytes = try machine.receive(&buffer) { true } else { false } }())
        buffer.writeBytes([0])
        #expect(try { if case .send = try machine.receive(&buffer) { true } else { false } }())
        buffer.writeBytes(Self.randomBytes(Self.packetLength - 1, seed: 6))
        #expect(try { if case .needMoreBytes = try machine.receive(&buffer) { true } else { false } }())
        #expect(!machine.isComplete)
        buffer.writeBytes([0, 0xAA, 0xBB])
        #expect(try { if case .complete = try machine.receive(&buffer) { true } else { false } }())
        #expect(machine.isComplete)
        #expect(Array(buffer.readableBytesView) == [0xAA, 0xBB])
    }

    @Test(arguments: [0, 6, 0xFF] as [UInt8])
    func refusesOtherVersionsAtTheFirstByte(version: UInt8) {
        var machine = RTMPHandshakeStateMachine(serverTime: 0)
        var buffer = ByteBuffer(bytes: [version])
        #expect(throws: RTMPProtocolError.unsupportedHandshakeVersion(version)) { try machine.receive(&buffer) }
    }
}
