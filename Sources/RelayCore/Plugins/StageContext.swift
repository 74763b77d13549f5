public import Logging

/// What a plugin instance learns about the relay it serves.
public struct StageContext: Sendable {
    public var route: String
    public var channel: String
    /// Values for `{variables}`: `channel`, `route`, and the route pattern's captures.
    public var values: [String: String]
    public var logger: Logger
    /// Raised when the relay is stopping; blocking calls must return soon after.
    public var stop: StopSignal
    /// Where a transcoder says what it is doing (copying or encoding, and why).
    public var processing: ProcessingStatus
    /// For sinks with a backup destination: write to it instead of the primary one.
    public var useBackup = false
    /// The route's `slate_image` (a file path): what transcoders show while the source is away.
    public var slateImage: String?
    /// For a source that is pushed to (`SourcePlugin.ingestEndpoint`): its publish URL and
    /// the feed its publishers' media arrives on. Nil for every other source.
    public var ingest: IngestAssignment?
    /// What the stage's companion provisioned for this relay (`StageGrant.values`: an output
    /// URL with its credentials, say); empty when it has none. Secrets.
    public var grant: [String: String] = [:]

    public init(
        route: String, channel: String, values: [String: String] = [:], logger: Logger, stop: StopSignal,
        processing: ProcessingStatus = ProcessingStatus()
    ) {
        self.route = route
        self.channel = channel
        var values = values
        values["channel"] = channel
        values["route"] = route
        self.values = values
        self.logger = logger
        self.stop = stop
        self.processing = processing
    }

    /// Fills `{channel}`-style variables.
    public func expand(_ template: String) throws -> String {
        do {
            return try Template.expand(template, values: values)
        } catch {
            throw RelayError(.configuration, "\(Redaction.url(template)): \(error)")
        }
    }

    /// Fills the variables of a local path (`extra` adds stage-specific ones, such as a
    /// recording's start time). A value could hold anything a channel name allows, so the
    /// result is checked again: absolute, and no `..` component to climb out of the tree.
    public func expandPath(_ template: String, extra: [String: String] = [:]) throws -> String {
        let path: String
        do {
            path = try Template.expand(template, values: values.merging(extra) { _, new in new })
        } catch {
            throw RelayError(.configuration, "\(template): \(error)")
        }
        guard path.hasPrefix("/"), !path.contains("\0"), !path.split(separator: "/").contains("..") else {
            throw RelayError(.configuration, "\"\(template)\" does not expand to a safe absolute path")
        }
        return path
    }
}
