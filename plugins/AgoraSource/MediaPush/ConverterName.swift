/// The converter's name: derived from route and channel, so a restarted gateway (or a retry
/// whose answer was lost) finds the converter it already made — Agora answers a second
/// Create with the same name with 409 — and never makes a second push. Names are unique
/// per project and at most 64 characters from `a-zA-Z0-9-_` (agora.md §1.4); every name
/// relaygate makes starts with `prefix`, which is how boot cleanup knows its own.
public enum ConverterName {
    public static let prefix = "relaygate-"

    public static func make(route: String, channel: String) -> String {
        // Route and channel names may hold characters Agora does not allow, and two pairs
        // could sanitize alike: a hash of the exact pair keeps names apart.
        let hash = String(fnv1a("\(route)/\(channel)"), radix: 16)
        let tag = String(repeating: "0", count: 16 - hash.count) + hash
        let room = 64 - prefix.count - tag.count - 1
        let readable = sanitize("\(route)-\(channel)").prefix(room)
        return "\(prefix)\(readable)-\(tag)"
    }

    public static func isOurs(_ name: String?) -> Bool { name?.hasPrefix(prefix) == true }

    private static func sanitize(_ text: String) -> String {
        String(text.unicodeScalars.map { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_")
                ? Character(scalar) : "_"
        })
    }

    /// FNV-1a, 64 bits: stable across processes and versions (Swift's `Hasher` is seeded).
    private static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
