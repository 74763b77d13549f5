import RelayCore

/// Decodes profiles, platforms and routes, with their plugin options, reporting every
/// problem. Names that were defined but failed to decode still count as defined, so one
/// broken platform does not also make every route that uses it an error.
struct DefinitionDecoder {
    let registry: PluginRegistry
    let diagnostics: Diagnostics
    /// What a route's `restart:` leaves out (from the global settings).
    var restartDefaults = RestartPolicy()

    func profile(_ entry: Definitions.Entry) -> ProfileConfig? {
        guard var reader = MappingReader(entry.value, context: "profile \"\(entry.name)\"", diagnostics: diagnostics),
            let transcoder = registry.decode(.transcoder, from: &reader)
        else { return nil }
        return ProfileConfig(name: entry.name, transcoder: transcoder, location: entry.key.location)
    }

    /// The built-in profiles, each decoded as if written `{ type: ..., video: {...} }`, so its
    /// options are validated and defaulted exactly as a user-defined one's. A profile whose
    /// plugin is not compiled in is left out.
    func builtInProfiles() -> [ProfileConfig] {
        let nowhere = SourceLocation(file: "<built-in>", line: 0, column: 0)
        func scalar(_ text: String) -> ConfigNode { .scalar(text, at: nowhere) }
        return BuiltinProfiles.definitions.compactMap { definition in
            var pairs = [(scalar("type"), scalar(definition.type))]
            for section in definition.sections {
                let fields = section.fields.map { (scalar($0.0), scalar($0.1)) }
                pairs.append((scalar(section.key), ConfigNode(.mapping(fields), at: nowhere)))
            }
            let scratch = Diagnostics()
            guard var reader = MappingReader(
                ConfigNode(.mapping(pairs), at: nowhere), context: "built-in profile \"\(definition.name)\"",
                diagnostics: scratch),
                let transcoder = registry.decode(.transcoder, from: &reader)
            else { return nil }
            return ProfileConfig(name: definition.name, transcoder: transcoder)
        }
    }

    func platform(_ entry: Definitions.Entry) -> PlatformConfig? {
        guard var reader = MappingReader(entry.value, context: "platform \"\(entry.name)\"", diagnostics: diagnostics)
        else { return nil }
        let playbackURL = reader.optional("playback_url", .remoteURL(schemes: ["http", "https"]))
        guard let sink = registry.decode(.sink, from: &reader) else { return nil }
        guard playbackURL != nil || !reader.contains("playback_url") else { return nil }
        return PlatformConfig(name: entry.name, sink: sink, playbackURL: playbackURL?.text, location: entry.key.location)
    }

    /// `profiles` and `platforms` are every defined name (decoded or not), for reference checks;
    /// nil when some file could not be parsed, since the missing name may be in that file.
    func route(_ entry: Definitions.Entry, profiles: Set<String>?, platforms: Set<String>?) -> RouteConfig? {
        let context = "route \"\(entry.name)\""
        guard var reader = MappingReader(entry.value, context: context, diagnostics: diagnostics) else { return nil }
        let errorsBefore = diagnostics.count

        let channel = reader.optional("channel", .name)
        let match = reader.optional("match", .routePattern)
        let source = reader.node("source").flatMap { node -> PluginConfig? in
            guard var sourceReader = MappingReader(node, context: "source of \(context)", diagnostics: diagnostics)
            else { return nil }
            return registry.decode(.source, from: &sourceReader)
        }
        if !reader.contains("source") {
            diagnostics.error("\(context) is missing required key \"source\"", at: entry.value.location)
        }
        let profile = reader.optional("profile", .name) ?? ProfileConfig.builtInName
        let outputs = reader.required("outputs", .nameList)
        let outputNodes = reader.node("outputs")
        let maxRelays = reader.optional("max_relays", .int(in: 1...10_000))
        // A bad `restart:` is reported in diagnostics, which the guard below checks.
        let restart = reader.node("restart").flatMap {
            RestartPolicyDecoder.decode($0, context: context, defaults: restartDefaults, diagnostics: diagnostics)
        } ?? restartDefaults
        let reconnectWindow = reader.optional("reconnect_window", .duration(in: .zero...(.seconds(3600))))
        let sourceRetries = reader.optional("source_retries", .int(in: 0...100))
        let slateImage = reader.optional(
            "slate_image",
            .string.validated { path in
                path.hasPrefix("/") ? nil : "must be an absolute path, got \"\(path)\""
            })
        reader.finish()

        if !reader.contains("channel"), !reader.contains("match") {
            diagnostics.error(
                "\(context) needs \"channel\" (a fixed channel, started at boot) or \"match\" (a channel pattern), or both",
                at: entry.value.location)
        }
        // The source's platform names channels its way: a pattern it can never match is a mistake.
        if let match, let source, let rule = registry.channelNames(for: source), let never = match.neverMatches(rule) {
            diagnostics.error("\"match\": \(never)", at: reader.location(of: "match"))
        }
        if let channel, let match, match.match(channel) == nil {
            diagnostics.error(
                "\(context): channel \"\(channel)\" does not match its own pattern \"\(match)\"", at: reader.location(of: "channel"))
        }
        if let profiles, reader.contains("profile"), !profiles.contains(profile) {
            diagnostics.error(
                "\(context): unknown profile \"\(profile)\"; expected one of: \(profiles.sorted().joined(separator: ", "))",
                at: reader.location(of: "profile"))
        } else if let profiles, !profiles.contains(profile) {
            diagnostics.error(
                "\(context) uses the default profile \"\(profile)\", which is not available; set \"profile\"",
                at: entry.value.location)
        }
        if let outputs, case .sequence(let items)? = outputNodes?.value {
            checkOutputs(outputs, items: items, context: context, platforms: platforms, at: reader.location(of: "outputs"))
        }

        guard diagnostics.count == errorsBefore, let source, let outputs else { return nil }
        return RouteConfig(
            name: entry.name, channel: channel, match: match, source: source, profile: profile, outputs: outputs,
            maxRelays: maxRelays, restart: restart, reconnectWindow: reconnectWindow ?? .seconds(60),
            sourceRetries: sourceRetries ?? 3, slateImage: slateImage, location: entry.key.location)
    }

    private func checkOutputs(
        _ outputs: [String], items: [ConfigNode], context: String, platforms: Set<String>?, at location: SourceLocation?
    ) {
        if outputs.isEmpty {
            diagnostics.error("\(context): \"outputs\" must list at least one platform", at: location)
        }
        var seen: Set<String> = []
        for (name, node) in zip(outputs, items) {
            if !seen.insert(name).inserted {
                diagnostics.error("\(context) lists output \"\(name)\" more than once", at: node.location)
            } else if let platforms, !platforms.contains(name) {
                let defined = platforms.isEmpty ? "no platforms are defined" : "defined platforms: \(platforms.sorted().joined(separator: ", "))"
                diagnostics.error("\(context): unknown platform \"\(name)\"; \(defined)", at: node.location)
            }
        }
    }
}

extension ValueParser where Value == RoutePattern {
    /// A channel pattern such as `seller_{channelId}`.
    static var routePattern: ValueParser<RoutePattern> {
        ValueParser { node, key, diagnostics in
            guard let text = node.scalarText, !node.isNull else {
                diagnostics.error("\"\(key)\" must be a channel pattern, got \(node.kindDescription)", at: node.location)
                return nil
            }
            do throws(RoutePattern.Invalid) {
                return try RoutePattern(text)
            } catch {
                diagnostics.error("\"\(key)\": \(error.message)", at: node.location)
                return nil
            }
        }
    }
}
