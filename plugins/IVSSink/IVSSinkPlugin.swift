import AWSIVS
import AWSSigV4
import Foundation
public import RelayCore
import RTMPSink

/// Sink `ivs`: each relay gets its own Amazon IVS channel (and its stream key), created by
/// the companion when the relay starts and deleted (or kept) when it ends; the worker pushes
/// to the channel's RTMPS ingest, verified like any rtmps:// output.
public enum IVSSinkPlugin: SinkPlugin {
    public static let type = "ivs"

    public enum EndPolicy: String, Codable, Sendable {
        /// StopStream, then DeleteChannel (its stream key goes with it).
        case delete
        /// StopStream only: the channel stays, for its playback URL or a recording config.
        case keep
    }

    public struct Options: PluginOptions {
        public var region: String
        public var accessKeyID: String
        /// Secret: reaches the companion only.
        public var secretAccessKey: String
        public var sessionToken: String?
        /// How often GetStream reads the stream's state, health and viewers (0: never).
        public var viewersIntervalMs: Int64
        /// Instead of `https://ivs.<region>.amazonaws.com` (tests: http on loopback only).
        public var endpoint: String?
        public var channelType: String
        public var latencyMode: String
        public var onEnd: EndPolicy
        /// A channel of the account to push to instead of creating one: never deleted.
        public var channelARN: String?
        /// How long API calls that fail for a passing reason (throttling, 5xx) are retried.
        public var apiGiveUpAfterMs: Int64
        public var caFile: String?

        /// Client settings; `platform` names the settings in auth errors.
        func configuration(platform: String) throws(IVSError) -> IVSConfiguration {
            try IVSConfiguration(
                region: region,
                credentials: AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: secretAccessKey, sessionToken: sessionToken),
                endpoint: endpoint, retry: .none,
                credentialSettings: "access_key_id, secret_access_key and session_token of platform \"\(platform)\" "
                    + "(the key needs the IVS actions listed in docs/platforms.md)")
        }

        /// Which account and region it is, for telling platforms apart.
        var account: String { "\(endpoint ?? region)/\(accessKeyID)" }
    }

    public static var companion: (any CompanionPlugin.Type)? { IVSCompanionPlugin.self }

    static let channelTypes = ["STANDARD", "BASIC", "ADVANCED_SD", "ADVANCED_HD"]
    static let latencyModes = ["LOW", "NORMAL"]

    public static func decodeOptions(_ reader: inout MappingReader) -> Options? {
        let region = reader.required("region", .string)
        let accessKeyID = reader.required("access_key_id", .string)
        let secret = reader.required("secret_access_key", .string)
        let token = reader.optional("session_token", .string)
        let viewers = reader.optional("viewers_interval", .duration(in: .zero...(.seconds(3600))))
        let endpoint = reader.optional("endpoint", .string)
        let channelType = reader.optional("channel_type", .oneOf(channelTypes))
        let latency = reader.optional("latency_mode", .oneOf(latencyModes))
        let onEnd = reader.optional("on_end", .oneOf(["delete", "keep"]))
        let channelARN = reader.optional("channel_arn", .string)
        let giveUp = reader.optional("api_give_up_after", .duration(in: .zero...(.seconds(3600))))
        let caFile = reader.optional("ca_file", .readableFile)
        guard let region, let accessKeyID, let secret else { return nil }
        let options = Options(
            region: region, accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: token,
            viewersIntervalMs: (viewers ?? .seconds(15)).milliseconds, endpoint: endpoint,
            channelType: channelType ?? "STANDARD", latencyMode: latency ?? "LOW",
            onEnd: onEnd.flatMap(EndPolicy.init(rawValue:)) ?? .delete, channelARN: channelARN,
            apiGiveUpAfterMs: (giveUp ?? .seconds(120)).milliseconds, caFile: caFile)
        do {
            _ = try options.configuration(platform: "")
        } catch {
            reader.diagnostics.error("\(reader.context): \(error.message)", at: reader.location(of: endpoint == nil ? "region" : "endpoint"))
            return nil
        }
        if let channelARN, !channelARN.hasPrefix("arn:aws:ivs:") || !channelARN.contains(":channel/") {
            reader.diagnostics.error(
                "\"channel_arn\" must be an IVS channel ARN (arn:aws:ivs:<region>:<account>:channel/<id>)",
                at: reader.location(of: "channel_arn"))
            return nil
        }
        return options
    }

    public static func makeSink(options: Options, context: StageContext) throws -> any MediaSink {
        try RTMPSinkPlugin.makeGrantedPush(platform: "ivs", caFile: options.caFile, context: context)
    }
}
