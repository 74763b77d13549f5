import Crypto

/// The RTMP handshake the test publisher does: C0+C1, S0+S1, C2, S2.
public enum RTMPTestPublisherHandshake: Sendable, Equatable {
    /// The simple handshake of the RTMP specification: C1 with zero version bytes, random
    /// bytes after; C2 echoes S1. S2 is only checked with `requireEchoedS2`.
    case plain
    /// The Flash Player 9 handshake as ffmpeg and librtmp do it: C1 claims version 9.0.124.2
    /// and carries a digest (scheme 0); the server's S1 digest (either scheme) and S2's
    /// signature over our digest must verify, or the handshake fails.
    case digest
}

extension RTMPTestPublisherHandshake {
    static let packetSize = 1536
    static let digestLength = 32

    /// "Genuine Adobe Flash Player 001" and its 32 constant bytes; the digest of C1 uses the
    /// first 30 bytes, the signature of C2 all 62.
    static let playerKey: [UInt8] = Array("Genuine Adobe Flash Player 001".utf8) + keyTail
    /// "Genuine Adobe Flash Media Server 001" and the same 32 bytes; S1's digest uses the
    /// first 36 bytes, S2's signature all 68.
    static let serverKey: [UInt8] = Array("Genuine Adobe Flash Media Server 001".utf8) + keyTail
    private static let keyTail: [UInt8] = [
        0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8, 0x2E, 0x00, 0xD0, 0xD1, 0x02, 0x9E, 0x7E, 0x57,
        0x6E, 0xEC, 0x5D, 0x2D, 0x29, 0x80, 0x6F, 0xAB, 0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE,
    ]

    /// Runs the handshake on `socket` by `deadline`. Reads exactly S0+S1+S2, so whatever the
    /// server sends next stays in the socket for the chunk reader.
    func perform(on socket: RTMPTestPublisherSocket, until deadline: ContinuousClock.Instant, requireEchoedS2: Bool) throws {
        var c1 = (0..<Self.packetSize).map { _ in UInt8.random(in: 0...255) }
        // Bytes 0–3: our epoch (zero is allowed and what ffmpeg sends).
        c1.replaceSubrange(0..<4, with: [0, 0, 0, 0])
        var clientDigest: [UInt8] = []
        switch self {
        case .plain:
            c1.replaceSubrange(4..<8, with: [0, 0, 0, 0])
        case .digest:
            c1.replaceSubrange(4..<8, with: [9, 0, 124, 2])
            let offset = Self.digestOffset(c1, scheme: 0)
            clientDigest = Self.hmac(Self.withoutDigest(c1, at: offset), key: Array(Self.playerKey.prefix(30)))
            c1.replaceSubrange(offset..<offset + Self.digestLength, with: clientDigest)
        }
        try socket.send([0x03] + c1, until: deadline, during: "the handshake (C0+C1)")

        let s0 = try Self.read(1, from: socket, until: deadline, what: "S0")
        guard s0[0] == 0x03 else { throw RTMPTestPublisherError.handshakeFailed("S0 announces RTMP version \(s0[0]), not 3") }
        let s1 = try Self.read(Self.packetSize, from: socket, until: deadline, what: "S1")

        var c2: [UInt8]
        switch self {
        case .plain:
            c2 = s1
        case .digest:
            guard let serverDigest = Self.serverDigest(in: s1) else {
                throw RTMPTestPublisherError.handshakeFailed(
                    "S1 carries no digest under the server key (neither scheme 0 nor 1); version bytes \(Array(s1[4..<8]))")
            }
            // C2: random bytes signed with a key derived from the server's digest, as Flash Player does.
            c2 = (0..<Self.packetSize).map { _ in UInt8.random(in: 0...255) }
            let key = Self.hmac(serverDigest, key: Self.playerKey)
            let signature = Self.hmac(Array(c2[0..<Self.packetSize - Self.digestLength]), key: key)
            c2.replaceSubrange(Self.packetSize - Self.digestLength..<Self.packetSize, with: signature)
        }
        try socket.send(c2, until: deadline, during: "the handshake (C2)")

        let s2 = try Self.read(Self.packetSize, from: socket, until: deadline, what: "S2")
        switch self {
        case .plain:
            // The specification's echo: S2's time (0–3) and random bytes (8–) are C1's; 4–7 is the server's read time.
            if requireEchoedS2, Array(s2[0..<4]) != Array(c1[0..<4]) || Array(s2[8...]) != Array(c1[8...]) {
                throw RTMPTestPublisherError.handshakeFailed("S2 does not echo C1")
            }
        case .digest:
            let key = Self.hmac(clientDigest, key: Self.serverKey)
            let expected = Self.hmac(Array(s2[0..<Self.packetSize - Self.digestLength]), key: key)
            guard Array(s2[(Self.packetSize - Self.digestLength)...]) == expected else {
                throw RTMPTestPublisherError.handshakeFailed("S2's signature is not HMAC-SHA256 keyed from our C1 digest")
            }
        }
    }

    /// Where a digest sits in a C1/S1 under `scheme` 0 (offset bytes 8–11, digest from byte 12)
    /// or 1 (offset bytes 772–775, digest from byte 776).
    static func digestOffset(_ packet: [UInt8], scheme: Int) -> Int {
        let base = scheme == 0 ? 8 : 772
        let sum = packet[base..<base + 4].reduce(0) { $0 + Int($1) }
        return sum % 728 + base + 4
    }

    /// S1's digest if one verifies under the server's partial key, trying both schemes.
    static func serverDigest(in s1: [UInt8]) -> [UInt8]? {
        let key = Array(serverKey.prefix(36))
        for scheme in [0, 1] {
            let offset = digestOffset(s1, scheme: scheme)
            let digest = Array(s1[offset..<offset + digestLength])
            if hmac(withoutDigest(s1, at: offset), key: key) == digest { return digest }
        }
        return nil
    }

    /// The packet with the 32 digest bytes at `offset` left out: what the digest is computed over.
    static func withoutDigest(_ packet: [UInt8], at offset: Int) -> [UInt8] {
        Array(packet[0..<offset]) + Array(packet[(offset + digestLength)...])
    }

    static func hmac(_ message: [UInt8], key: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    private static func read(
        _ count: Int, from socket: RTMPTestPublisherSocket, until deadline: ContinuousClock.Instant, what: String
    ) throws -> [UInt8] {
        var bytes: [UInt8] = []
        while bytes.count < count {
            guard let more = try socket.receive(maximum: count - bytes.count, until: deadline) else {
                throw RTMPTestPublisherError.timeout(
                    waitingFor: "\(what) of the handshake (\(bytes.count) of \(count) bytes came)")
            }
            guard !more.isEmpty else {
                throw RTMPTestPublisherError.closedByServer(
                    during: "the handshake, reading \(what) (\(bytes.count) of \(count) bytes came)")
            }
            bytes += more
        }
        return bytes
    }
}
