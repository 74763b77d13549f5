/// IVS enum fields as open string sets: a value AWS adds later still decodes. (Codable comes
/// from `RawRepresentable`: each encodes as its bare string.)
public struct IVSLatencyMode: RawRepresentable, Hashable, Codable, Sendable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The console's "Ultra-low"; the IVS default.
    public static let low = IVSLatencyMode(rawValue: "LOW")
    /// The console's "Standard".
    public static let normal = IVSLatencyMode(rawValue: "NORMAL")
}

public struct IVSChannelType: RawRepresentable, Hashable, Codable, Sendable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Up to 480p and 1.5 Mbps, passed through.
    public static let basic = IVSChannelType(rawValue: "BASIC")
    /// Up to 1080p and 8.5 Mbps, transcoded; the IVS default.
    public static let standard = IVSChannelType(rawValue: "STANDARD")
    public static let advancedSD = IVSChannelType(rawValue: "ADVANCED_SD")
    public static let advancedHD = IVSChannelType(rawValue: "ADVANCED_HD")
}

public struct IVSStreamHealth: RawRepresentable, Hashable, Codable, Sendable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let healthy = IVSStreamHealth(rawValue: "HEALTHY")
    /// The encoder sends too little: frames are missing.
    public static let starving = IVSStreamHealth(rawValue: "STARVING")
    public static let unknown = IVSStreamHealth(rawValue: "UNKNOWN")
}
