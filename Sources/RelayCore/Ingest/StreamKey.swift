/// Stream keys the gateway makes up for relays whose source does not set one.
public enum StreamKey {
    /// 128 random bits as 32 hex digits. `SystemRandomNumberGenerator` reads the kernel's
    /// CSPRNG (getrandom), so a key cannot be guessed from others.
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let hex = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}
