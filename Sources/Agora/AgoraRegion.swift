/// The `{region}` path segment of Agora's Media Push REST API: where the CDN origin (for
/// relaygate, its own ingest) is. Agora accepts these four, lowercase only.
public enum AgoraRegion: String, Sendable, Codable, CaseIterable {
    /// Mainland China.
    case cn
    /// Asia excluding mainland China.
    case ap
    /// North America.
    case na
    /// Europe.
    case eu
}
