public import Foundation
public import RelayCore

/// Reads `<directory>/relaygate.yaml` and `<directory>/conf.d/*.yaml` into a validated
/// `GatewayConfig`, or throws every problem found, sorted by file, line and column.
/// File names in locations are the directory string as given, joined with the file's
/// relative path, so errors read the way the user wrote the command line.
public struct ConfigLoader: Sendable {
    public let registry: PluginRegistry
    /// Where `${VAR}` values come from. Injectable so tests do not depend on the process.
    public let environment: [String: String]

    public init(registry: PluginRegistry, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.registry = registry
        self.environment = environment
    }

    public func load(directory: String) throws(ConfigErrors) -> GatewayConfig {
        let diagnostics = Diagnostics()
        let files = try ConfigFiles.read(directory: directory)
        var secrets: [SecretText] = []
        var unresolved: Set<SourceLocation> = []
        var substitutionErrors: Set<Diagnostic> = []
        var allParsed = true

        func parse(_ file: ConfigFiles.File) -> ConfigNode? {
            guard let bytes = file.bytes else {
                diagnostics.error("cannot read this file", at: SourceLocation(file: file.path, line: 1, column: 1))
                allParsed = false
                return nil
            }
            let errorsBefore = diagnostics.count
            let output = YAMLDocumentBuilder.build(
                bytes: bytes, file: file.path, environment: environment, diagnostics: diagnostics)
            secrets += output.secrets
            unresolved.formUnion(output.unresolved)
            substitutionErrors.formUnion(output.substitutionErrors)
            // A file with a syntax error has no tree; unset variables still leave one.
            if output.root == nil, diagnostics.count > errorsBefore { allParsed = false }
            return output.root
        }

        let settings = GlobalSettings.decode(files.global.flatMap(parse), registry: registry, diagnostics: diagnostics)
        var definitions = Definitions()
        for file in files.fragments {
            if let root = parse(file) { definitions.collect(root, diagnostics: diagnostics) }
        }

        var decoder = DefinitionDecoder(registry: registry, diagnostics: diagnostics)
        decoder.restartDefaults = settings.restartDefaults
        var profiles: [String: ProfileConfig] = [:]
        for builtIn in decoder.builtInProfiles() { profiles[builtIn.name] = builtIn }
        var profileNames = Set(profiles.keys)
        for entry in definitions.entries(.profiles) {
            profileNames.insert(entry.name)
            profiles[entry.name] = decoder.profile(entry)
        }
        var platforms: [String: PlatformConfig] = [:]
        var platformNames: Set<String> = []
        for entry in definitions.entries(.platforms) {
            platformNames.insert(entry.name)
            platforms[entry.name] = decoder.platform(entry)
        }
        var routes: [RouteConfig] = []
        for entry in definitions.entries(.routes) {
            let route = decoder.route(
                entry, profiles: allParsed ? profileNames : nil, platforms: allParsed ? platformNames : nil)
            if let route { routes.append(route) }
        }
        for route in routes { checkRawMedia(route, profiles: profiles, diagnostics: diagnostics) }
        checkIngestKeys(routes, diagnostics: diagnostics)
        checkRequiredSections(routes, platforms: platforms, settings: settings, diagnostics: diagnostics)

        guard diagnostics.isEmpty else {
            // A value whose variable is unset is wrong because of that alone; say it once.
            let items = diagnostics.items.filter { item in
                guard let location = item.location, unresolved.contains(location) else { return true }
                return substitutionErrors.contains(item)
            }
            throw ConfigErrors(Self.sorted(items, order: files.order, redactor: SecretRedactor(secrets)))
        }
        var config = GatewayConfig(settings: settings, profiles: profiles, platforms: platforms, routes: routes)
        config.notes = notes(routes, profiles: profiles, redactor: SecretRedactor(secrets))
        return config
    }

    /// What plugins want ops to know about a valid config (a profile a source's service will
    /// carry differently, say): `validate` prints them, `run` logs them as warnings.
    private func notes(_ routes: [RouteConfig], profiles: [String: ProfileConfig], redactor: SecretRedactor) -> [Diagnostic] {
        routes.flatMap { route -> [Diagnostic] in
            guard let transcoder = profiles[route.profile]?.transcoder else { return [] }
            return registry.notes(for: route.source, transcoder: transcoder).map {
                redactor.redact(Diagnostic("route \"\(route.name)\": \($0)", at: route.location))
            }
        }
    }

    /// A source of raw frames needs a profile that encodes; a copying one would only fail
    /// at run time, when the sink refuses raw video.
    private func checkRawMedia(_ route: RouteConfig, profiles: [String: ProfileConfig], diagnostics: Diagnostics) {
        guard registry.sourceProducesRawMedia(route.source.type),
            let transcoder = profiles[route.profile]?.transcoder,
            !registry.transcoderAcceptsRawMedia(transcoder.type)
        else { return }
        diagnostics.error(
            "route \"\(route.name)\": source \"\(route.source.type)\" produces raw frames, which profile \"\(route.profile)\" "
                + "(\(transcoder.type)) cannot encode; use an h264 profile such as 720p",
            at: route.location)
    }

    /// A stage whose plugin has a companion needs that companion's section (its account
    /// settings, say): refused here rather than failing when its first relay starts.
    private func checkRequiredSections(
        _ routes: [RouteConfig], platforms: [String: PlatformConfig], settings: GlobalSettings, diagnostics: Diagnostics
    ) {
        for route in routes {
            if let section = registry.companionSection(for: route.source), settings.companions[section] == nil,
                registry.companionNeedsSection(section)
            {
                diagnostics.error(
                    "route \"\(route.name)\": source \"\(route.source.type)\" needs the \"\(section)\" section in relaygate.yaml",
                    at: route.location)
            }
        }
        for platform in platforms.values.sorted(by: { $0.name < $1.name }) {
            if let section = registry.companionSection(for: platform.sink), settings.companions[section] == nil,
                registry.companionNeedsSection(section)
            {
                diagnostics.error(
                    "platform \"\(platform.name)\": type \"\(platform.sink.type)\" needs the \"\(section)\" section in relaygate.yaml",
                    at: platform.location)
            }
        }
    }

    /// Stream keys set in the config must tell relays apart: a route serving many channels
    /// needs a variable in its key, and two static relays cannot share an app and key.
    /// (Keys that collide only at run time are refused when the second relay starts.)
    private func checkIngestKeys(_ routes: [RouteConfig], diagnostics: Diagnostics) {
        var claimed: [String: String] = [:]
        for route in routes {
            guard let endpoint = registry.ingestEndpoint(for: route.source), let key = endpoint.key else { continue }
            if route.match != nil, Template.variables(in: key).isEmpty {
                diagnostics.error(
                    "route \"\(route.name)\" serves many channels, so its source's \"key\" must contain a variable "
                        + "such as {channel} (or leave \"key\" out for a random key per relay)",
                    at: route.location)
            }
            guard let channel = route.channel else { continue }
            var values = route.match?.match(channel) ?? [:]
            values["channel"] = channel
            values["route"] = route.name
            guard let expanded = try? Template.expand(key, values: values) else {
                diagnostics.error(
                    "route \"\(route.name)\": its source's \"key\" uses a variable that channel \"\(channel)\" does not provide",
                    at: route.location)
                continue
            }
            let slot = "\(endpoint.app)/\(expanded)"
            if let other = claimed[slot] {
                diagnostics.error(
                    "route \"\(route.name)\": its stream key in application \"\(endpoint.app)\" is also route \"\(other)\"'s",
                    at: route.location)
            } else {
                claimed[slot] = route.name
            }
        }
    }

    /// By file read order, then line and column; first-reported first on ties. Exact
    /// repeats (an aliased node checked twice) are dropped.
    private static func sorted(_ items: [Diagnostic], order: [String: Int], redactor: SecretRedactor) -> [Diagnostic] {
        func key(_ item: (offset: Int, element: Diagnostic)) -> (Int, Int, Int, Int) {
            guard let location = item.element.location else { return (-1, 0, 0, item.offset) }
            return (order[location.file] ?? Int.max, location.line, location.column, item.offset)
        }
        var seen: Set<Diagnostic> = []
        return items.enumerated().sorted { key($0) < key($1) }.map { redactor.redact($0.element) }.filter {
            seen.insert($0).inserted
        }
    }
}
