package import NIOCore

/// The server side of the RTMP handshake, without I/O.
///
/// ### Function
/// Reads C0 (version 3) and C1, answers S0, S1 and S2 at once, then reads C2 without checking
/// it (as lenient as nginx-rtmp: clients differ in what they echo). When C1 carries a valid
/// Flash Player 9 digest under either scheme, S1 and S2 are signed the way such clients
/// verify them ("complex" handshake); otherwise S1 is our time, four zero bytes and random
/// bytes, and S2 echoes C1 ("plain" handshake).
///
/// Bytes after C2 are left in the buffer: they are the first chunks.
package struct RTMPHandshakeStateMachine {
    package enum Action {
        /// The buffer holds too few bytes for the next step.
        case needMoreBytes
        /// S0, S1 and S2, to send; more steps may follow with the same buffer.
        case send(ByteBuffer)
        /// C2 was read; the rest of the buffer (if any) is chunk data.
        case complete
    }

    private enum State {
        case waitingForC0C1
        case waitingForC2
        case complete
    }

    /// The only version RTMP clients send unencrypted (6 is RTMPE, which is not offered).
    static let version: UInt8 = 3
    /// The version bytes of a signed S1, as servers that sign send them.
    private static let serverVersion: [UInt8] = [4, 5, 0, 1]
    private static let packetLength = RTMPHandshakeDigest.packetLength

    private var state = State.waitingForC0C1
    private let serverTime: UInt32
    private var randomNumberGenerator: any RandomNumberGenerator

    /// - Parameters:
    ///   - serverTime: S1's timestamp field, in milliseconds from an epoch of our choosing.
    ///   - randomNumberGenerator: the source of S1's and S2's random bytes.
    package init(serverTime: UInt32, randomNumberGenerator: any RandomNumberGenerator = SystemRandomNumberGenerator()) {
        self.serverTime = serverTime
        self.randomNumberGenerator = randomNumberGenerator
    }

    /// Whether C2 has been read.
    package var isComplete: Bool {
        if case .complete = self.state { true } else { false }
    }

    /// Takes the next step the bytes in `buffer` allow, consuming what it reads.
    ///
    /// - Throws: `RTMPProtocolError.unsupportedHandshakeVersion` for a C0 other than 3.
    package mutating func receive(_ buffer: inout ByteBuffer) throws -> Action {
        switch self.state {
        case .waitingForC0C1:
            guard let version = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else {
                return .needMoreBytes
            }
            // Refused as soon as the first byte is in, rather than after 1537 of them.
            guard version == Self.version else {
                throw RTMPProtocolError.unsupportedHandshakeVersion(version)
            }
            guard buffer.readableBytes >= 1 + Self.packetLength else {
                return .needMoreBytes
            }
            buffer.moveReaderIndex(forwardBy: 1)
            let c1 = buffer.readBytes(length: Self.packetLength)!
            self.state = .waitingForC2
            return .send(self.response(to: c1))
        case .waitingForC2:
            guard buffer.readableBytes >= Self.packetLength else {
                return .needMoreBytes
            }
            buffer.moveReaderIndex(forwardBy: Self.packetLength)
            self.state = .complete
            return .complete
        case .complete:
            return .complete
        }
    }

    /// S0, S1 and S2 for `c1`.
    private mutating func response(to c1: [UInt8]) -> ByteBuffer {
        var s1 = withUnsafeBytes(of: self.serverTime.bigEndian, Array.init)
        var s2: [UInt8]
        if let (scheme, clientDigest) = RTMPHandshakeDigest.clientDigest(in: c1) {
            s1 += Self.serverVersion + self.randomBytes(Self.packetLength - 8)
            RTMPHandshakeDigest.sign(serverPacket: &s1, scheme: scheme)
            s2 = self.randomBytes(Self.packetLength)
            RTMPHandshakeDigest.sign(serverResponse: &s2, clientDigest: clientDigest)
        } else {
            s1 += [0, 0, 0, 0] + self.randomBytes(Self.packetLength - 8)
            s2 = c1
        }
        var response = ByteBuffer()
        response.reserveCapacity(1 + 2 * Self.packetLength)
        response.writeInteger(Self.version)
        response.writeBytes(s1)
        response.writeBytes(s2)
        return response
    }

    private mutating func randomBytes(_ count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 7)
        while bytes.count < count {
            withUnsafeBytes(of: self.randomNumberGenerator.next() as UInt64) { bytes += $0 }
        }
        return Array(bytes.prefix(count))
    }
}
