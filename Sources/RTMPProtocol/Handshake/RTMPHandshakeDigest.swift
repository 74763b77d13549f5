import Crypto

/// The digests of the Flash Player 9 ("complex") handshake, which clients such as FFmpeg and
/// librtmp-based encoders use and some check in our answer.
///
/// A 1536-byte handshake packet hides a 32-byte HMAC-SHA256 digest at an offset derived from
/// four of its own bytes; the digest covers the packet without those 32 bytes. Two schemes
/// place it in the first or the second half of the packet.
enum RTMPHandshakeDigest {
    /// Where a packet's digest sits.
    enum Scheme: CaseIterable {
        /// Scheme 0: offset from bytes 8 to 11, digest in bytes 12 to 771.
        case first
        /// Scheme 1: offset from bytes 772 to 775, digest in bytes 776 to 1535.
        case second

        /// The digest's offset in `packet` (1536 bytes) under this scheme.
        func offset(in packet: [UInt8]) -> Int {
            let base = self == .first ? 8 : 772
            let sum = packet[base..<(base + 4)].reduce(0) { $0 + Int($1) }
            return sum % 728 + base + 4
        }
    }

    static let packetLength = 1536
    static let digestLength = 32

    private static let genuineKeyTail: [UInt8] = [
        0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8, 0x2E, 0x00, 0xD0, 0xD1, 0x02, 0x9E, 0x7E, 0x57,
        0x6E, 0xEC, 0x5D, 0x2D, 0x29, 0x80, 0x6F, 0xAB, 0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE,
    ]
    /// "Genuine Adobe Flash Player 001" and the shared tail; clients sign C1 with its first
    /// 30 bytes.
    static let flashPlayerKey = Array("Genuine Adobe Flash Player 001".utf8) + genuineKeyTail
    /// "Genuine Adobe Flash Media Server 001" and the shared tail; servers sign S1 with its
    /// first 36 bytes, and key S2's signature with all 68.
    static let flashMediaServerKey = Array("Genuine Adobe Flash Media Server 001".utf8) + genuineKeyTail

    /// The digest of `packet` without its 32 bytes at `offset`.
    static func digest(of packet: [UInt8], excludingAt offset: Int, key: [UInt8]) -> [UInt8] {
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: key))
        hmac.update(data: packet[..<offset])
        hmac.update(data: packet[(offset + Self.digestLength)...])
        return Array(hmac.finalize())
    }

    /// The scheme and digest of a client's C1 that validates under either scheme, if any.
    static func clientDigest(in c1: [UInt8]) -> (scheme: Scheme, digest: [UInt8])? {
        let key = Array(Self.flashPlayerKey.prefix(30))
        for scheme in Scheme.allCases {
            let offset = scheme.offset(in: c1)
            let sent = c1[offset..<(offset + Self.digestLength)]
            let expected = Self.digest(of: c1, excludingAt: offset, key: key)
            if sent.elementsEqual(expected) {
                return (scheme, Array(sent))
            }
        }
        return nil
    }

    /// Writes our digest into `s1` (1536 bytes) at `scheme`'s offset.
    static func sign(serverPacket s1: inout [UInt8], scheme: Scheme) {
        let offset = scheme.offset(in: s1)
        let digest = Self.digest(of: s1, excludingAt: offset, key: Array(Self.flashMediaServerKey.prefix(36)))
        s1.replaceSubrange(offset..<(offset + Self.digestLength), with: digest)
    }

    /// Writes into the last 32 bytes of `s2` (1536 bytes) the signature a client checks: an
    /// HMAC of the rest of S2 keyed by the HMAC of the client's C1 digest under the full
    /// server key.
    static func sign(serverResponse s2: inout [UInt8], clientDigest: [UInt8]) {
        let key = Array(HMAC<SHA256>.authenticationCode(for: clientDigest, using: SymmetricKey(data: Self.flashMediaServerKey)))
        let signed = Self.packetLength - Self.digestLength
        let signature = HMAC<SHA256>.authenticationCode(for: s2[..<signed], using: SymmetricKey(data: key))
        s2.replaceSubrange(signed..., with: Array(signature))
    }
}
