import Foundation
import RelayConfig
import RelayCore

/// Turns `relaygate relay` arguments into a RelaySpec by building the same YAML-shaped
/// nodes a config file would give, so the plugins validate them exactly as they would
/// validate conf.d (one code path for the protocol whitelist).
struct AdHocRelay {
    var input: String
    var outputs: [String]
    var profile: String
    var realtime: Bool?
    var loop: Bool
    /// `ca_file` of every rtmps:// output.
    var caFile: String? = nil

    func spec(registry: PluginRegistry) throws(ConfigErrors) -> RelaySpec {
        let diagnostics = Diagnostics()
        var sourceFields: [(String, String)] = [("type", "pull")]
        if Self.looksLikeURL(input) {
            sourceFields.append(("url", input))
        } else {
            let path = URL(fileURLWithPath: input).standardizedFileURL.path
            if !FileManager.default.isReadableFile(atPath: path) {
                diagnostics.error("INPUT_URL: no readable file at \(path)", at: nil)
            }
            sourceFields.append(("file", path))
        }
        if let realtime { sourceFields.append(("realtime", "\(realtime)")) }
        if loop { sourceFields.append(("loop", "true")) }

        let source = decode(.source, sourceFields, context: "INPUT_URL", registry: registry, diagnostics)
        let transcoder = BuiltinProfiles.transcoder(named: profile, registry: registry)
        if transcoder == nil {
            diagnostics.error(
                "--profile: unknown profile \"\(profile)\"; expected one of: \(BuiltinProfiles.names.joined(separator: ", "))",
                at: nil)
        }
        let caPath = caFile.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        let secure = outputs.map { $0.lowercased().hasPrefix("rtmps://") }
        if caPath != nil, !secure.contains(true) {
            diagnostics.error("--ca-file: applies to rtmps:// outputs only, and there is none", at: nil)
        }
        var specOutputs: [RelaySpec.Output] = []
        for (i, url) in outputs.enumerated() {
            let name = "output\(i + 1)"
            var fields = [("type", "rtmp"), ("url", url)]
            if let caPath, secure[i] { fields.append(("ca_file", caPath)) }
            if let sink = decode(.sink, fields, context: name, registry: registry, diagnostics) {
                specOutputs.append(RelaySpec.Output(name: name, sink: sink))
            }
        }
        guard diagnostics.isEmpty, let source, let transcoder else { throw ConfigErrors(diagnostics.items) }
        return RelaySpec(route: "adhoc", channel: "adhoc", source: source, transcoder: transcoder, outputs: specOutputs)
    }

    /// `scheme:` before any `/` means a URL (and so `concat:a|b` is checked as one).
    static func looksLikeURL(_ text: String) -> Bool {
        guard let colon = text.firstIndex(of: ":") else { return false }
        let scheme = text[..<colon]
        return !scheme.isEmpty && !scheme.contains("/")
            && scheme.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }
    }

    private func decode(
        _ kind: PluginKind, _ fields: [(String, String)], context: String, registry: PluginRegistry,
        _ diagnostics: Diagnostics
    ) -> PluginConfig? {
        let location = SourceLocation(file: context, line: 1, column: 1)
        let pairs = fields.map { (key: ConfigNode.scalar($0.0, at: location), value: ConfigNode.scalar($0.1, at: location)) }
        guard var reader = MappingReader(ConfigNode(.mapping(pairs), at: location), context: context, diagnostics: diagnostics)
        else { return nil }
        return registry.decode(kind, from: &reader)
    }
}
