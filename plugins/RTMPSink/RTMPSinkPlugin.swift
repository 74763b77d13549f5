public import RelayCore

/// Sink `rtmp`: pushes FLV over rtmp:// or rtmps:// through libavformat.
public enum RTMPSinkPlugin: SinkPlugin {
    public static let type = "rtmp"
    public static let schemes = ["rtmp", "rtmps"]

    public struct Options: PluginOptions {
        /// Destination; may contain `{channel}` variables. The last path segment is the
        /// stream key and is never logged.
        public var url: RemoteURL
        /// Where to publish while `url` is down; same rules as `url`.
        public var backupURL: RemoteURL?
        /// After this long on the backup, go back to `url` (0: stay until the backup fails).
        public var backupReturnAfterMs: Int64
        public var connectTimeoutMs: Int64
        /// A write that makes no progress for this long fails the output.
        public var writeTimeoutMs: Int64
        /// Bytes-out not growing for this long while writing fails the session (0: off).
        public var watchdogMs: Int64
        public var retryBackoffMs: Int64
        public var retryMaxBackoffMs: Int64
        /// How long a dropped output keeps reconnecting before it is failed (0: never reconnects).
        public var giveUpAfterMs: Int64
        public var failFastAttempts: Int
        /// PEM file of the CAs an rtmps:// server's certificate must chain to, instead of the
        /// system store (nil). Verification itself cannot be turned off.
        public var caFile: String?

        public init(
            url: RemoteURL, backupURL: RemoteURL? = nil, backupReturnAfter: Duration = .zero, connectTimeout: Duration = .seconds(10),
            writeTimeout: Duration = .seconds(10), watchdog: Duration = .seconds(10),
            retry: Retry = Retry(), failFastAttempts: Int = 2, caFile: String? = nil
        ) {
            self.url = url
            self.backupURL = backupURL
            self.backupReturnAfterMs = backupReturnAfter.milliseconds
            self.connectTimeoutMs = connectTimeout.milliseconds
            self.writeTimeoutMs = writeTimeout.milliseconds
            self.watchdogMs = watchdog.milliseconds
            self.retryBackoffMs = retry.backoff.milliseconds
            self.retryMaxBackoffMs = retry.maxBackoff.milliseconds
            self.giveUpAfterMs = retry.giveUpAfter.milliseconds
            self.failFastAttempts = failFastAttempts
            self.caFile = caFile
        }

        var policy: OutputPolicy {
            OutputPolicy(
                failFastAttempts: failFastAttempts, backoff: .milliseconds(retryBackoffMs),
                maxBackoff: .milliseconds(retryMaxBackoffMs), giveUpAfter: .milliseconds(giveUpAfterMs),
                hasBackup: backupURL != nil,
                returnToPrimaryAfter: backupReturnAfterMs > 0 ? .milliseconds(backupReturnAfterMs) : nil)
        }
    }

    /// The `retry:` mapping.
    public struct Retry: Sendable {
        public var backoff: Duration = .seconds(1)
        public var maxBackoff: Duration = .seconds(30)
        public var giveUpAfter: Duration = .seconds(120)
        public init() {}
    }

    public static func decodeOptions(_ reader: inout MappingReader) -> Options? {
        let url = reader.required("url", .remoteURL(schemes: schemes))
        let backup = reader.optional("backup_url", .remoteURL(schemes: schemes))
        let returnAfter = reader.optional("backup_return_after", .duration(in: .zero...(.seconds(86400))))
        let connect = reader.optional("connect_timeout", .duration(in: .milliseconds(100)...(.seconds(300))))
        let write = reader.optional("write_timeout", .duration(in: .milliseconds(100)...(.seconds(300))))
        let watchdog = reader.optional("watchdog", .duration(in: .zero...(.seconds(300))))
        let failFast = reader.optional("fail_fast_attempts", .int(in: 1...5))
        let retry = reader.node("retry").flatMap { decodeRetry($0, in: reader) }
        let caFile = reader.optional("ca_file", .readableFile)
        guard let url else { return nil }
        if caFile != nil, url.scheme != "rtmps", backup?.scheme != "rtmps" {
            reader.diagnostics.error(
                "\"ca_file\" applies to rtmps:// only; neither \"url\" nor \"backup_url\" is rtmps://",
                at: reader.location(of: "ca_file"))
            return nil
        }
        return Options(
            url: url, backupURL: backup, backupReturnAfter: returnAfter ?? .zero, connectTimeout: connect ?? .seconds(10), writeTimeout: write ?? .seconds(10),
            watchdog: watchdog ?? .seconds(10), retry: retry ?? Retry(), failFastAttempts: failFast ?? 2, caFile: caFile)
    }

    private static func decodeRetry(_ node: ConfigNode, in parent: MappingReader) -> Retry? {
        guard var reader = MappingReader(node, context: "\"retry\" of \(parent.context)", diagnostics: parent.diagnostics)
        else {
            return nil
        }
        defer { reader.finish() }
        var retry = Retry()
        let backoff = reader.optional("backoff", .duration(in: .milliseconds(100)...(.seconds(60))))
        let maxBackoff = reader.optional("max_backoff", .duration(in: .milliseconds(100)...(.seconds(300))))
        let giveUp = reader.optional("give_up_after", .duration(in: .zero...(.seconds(86400))))
        retry.backoff = backoff ?? retry.backoff
        retry.maxBackoff = maxBackoff ?? max(retry.maxBackoff, retry.backoff)
        retry.giveUpAfter = giveUp ?? retry.giveUpAfter
        if retry.maxBackoff < retry.backoff {
            let (low, high) = (DurationText.format(retry.maxBackoff), DurationText.format(retry.backoff))
            reader.diagnostics.error(
                "\"max_backoff\" (\(low)) must not be below \"backoff\" (\(high))", at: reader.location(of: "max_backoff"))
            return nil
        }
        return retry
    }

    public static func makeSink(options: Options, context: StageContext) throws -> any MediaSink {
        try RTMPSink(options: options, context: context)
    }

    /// For platform sinks whose companion provisions the destination per relay: a push to the
    /// `url` in the stage's grant (secret: it holds the stream key), verified against
    /// `caFile` or the system store, with the rtmp sink's default policy. A refused grant
    /// fails the output saying why.
    public static func makeGrantedPush(platform: String, caFile: String?, context: StageContext) throws -> any MediaSink {
        let text = try context.granted("url", by: platform)
        let url: RemoteURL
        do {
            url = try RemoteURL(text, allowedSchemes: schemes)
        } catch {
            throw RelayError(.internal, "\(platform): the granted push URL is unusable: \(error.message)")
        }
        return try RTMPSink(options: Options(url: url, caFile: caFile), context: context, expands: false)
    }
}
