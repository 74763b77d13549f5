public import RelayCore

/// The profiles every config has without defining them, for callers that have no config
/// (`relaygate relay --profile`).
public enum BuiltinProfiles {
    public static let names = [ProfileConfig.builtInName]

    /// The transcoder of built-in profile `name`, or nil if there is none by that name.
    public static func transcoder(named name: String, registry: PluginRegistry) -> PluginConfig? {
        guard name == ProfileConfig.builtInName else { return nil }
        return DefinitionDecoder(registry: registry, diagnostics: Diagnostics()).builtInProfile()?.transcoder
    }
}
