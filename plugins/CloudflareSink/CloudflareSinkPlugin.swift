import CloudflareStream
import Foundation
public import RelayCore
import RTMPSink

/// Sink `cloudflare`: each relay gets its own Cloudflare Stream live input, created by the
/// companion when the relay starts and deleted (or kept) when it ends; the worker pushes to
/// the input's RTMPS URL, verified like any rtmps:// output.
public enum CloudflareSinkPlugin: SinkPlugin {
    public static let type = "cloudflare"

    public enum EndPolicy: String, Codable, Sendable {
        /// Delete the live input (its recordings stay in the account).
        case delete
        /// Keep the live input; it and its recordings stay.
        case keep
    }

    public struct Options: PluginOptions {
        public var accountID: String
        /// A token with "Stream Write" on the account. Secret: reaches the companion only.
        public var apiToken: String
        public var customerCode: String
        /// How often the input's state and live viewers are read (0: never).
        public var viewersIntervalMs: Int64
        public var apiURL: String?
        public var customerURL: String?
        public var onEnd: EndPolicy
        /// A live input of the account to use instead of making one (a fixed channel's).
        public var liveInput: String?
        /// The secret of the Cloudflare notification destination that posts to
        /// /v1/webhooks/cloudflare.
        public var webhookSecret: String?
        public var deleteRecordingAfterDays: Int?
        /// How long API calls that fail for a passing reason (429, 5xx) are retried.
        public var apiGiveUpAfterMs: Int64
        public var caFile: String?

        /// Client settings; throws a `.configuration` error naming the setting.
        func streamSettings() throws(CloudflareStreamError) -> CloudflareStreamSettings {
            try CloudflareStreamSettings(
                accountID: accountID, apiToken: CloudflareSecret(apiToken), customerCode: customerCode,
                apiURL: apiURL ?? CloudflareStreamSettings.defaultAPIURL, customerURL: customerURL,
                // The companion retries itself, so that each retry reaches the relay's events.
                retry: CloudflareRetryPolicy(maxAttempts: 1))
        }

        /// Which account it is, for telling platforms on one account apart from others.
        var account: String { "\(apiURL ?? CloudflareStreamSettings.defaultAPIURL)/accounts/\(accountID)" }
    }

    public static var companion: (any CompanionPlugin.Type)? { CloudflareCompanionPlugin.self }

    public static func decodeOptions(_ reader: inout MappingReader) -> Options? {
        let accountID = reader.required("account_id", .string)
        let apiToken = reader.required("api_token", .string)
        let customerCode = reader.required("customer_code", .string)
        let viewers = reader.optional("viewers_interval", .duration(in: .zero...(.seconds(3600))))
        let apiURL = reader.optional("api_url", .string)
        let customerURL = reader.optional("customer_url", .string)
        let onEnd = reader.optional("on_end", .oneOf(["delete", "keep"]))
        let liveInput = reader.optional("live_input", .string)
        let secret = reader.optional("webhook_secret", .string)
        let days = reader.optional("delete_recording_after_days", .int(in: LiveInputRequest.deleteRecordingAfterDaysRange))
        let giveUp = reader.optional("api_give_up_after", .duration(in: .zero...(.seconds(3600))))
        let caFile = reader.optional("ca_file", .readableFile)
        guard let accountID, let apiToken, let customerCode else { return nil }
        let options = Options(
            accountID: accountID, apiToken: apiToken, customerCode: customerCode,
            viewersIntervalMs: (viewers ?? .seconds(10)).milliseconds, apiURL: apiURL, customerURL: customerURL,
            onEnd: onEnd.flatMap(EndPolicy.init(rawValue:)) ?? .delete, liveInput: liveInput, webhookSecret: secret,
            deleteRecordingAfterDays: days, apiGiveUpAfterMs: (giveUp ?? .seconds(120)).milliseconds, caFile: caFile)
        do {
            _ = try options.streamSettings()
        } catch {
            reader.diagnostics.error("\(reader.context): \(error.detail ?? "\(error)")", at: reader.location(of: "account_id"))
            return nil
        }
        if let liveInput, liveInput.count != 32 || !liveInput.allSatisfy(\.isHexDigit) {
            reader.diagnostics.error("\"live_input\" must be a live input id (32 hex characters)", at: reader.location(of: "live_input"))
            return nil
        }
        return options
    }

    public static func makeSink(options: Options, context: StageContext) throws -> any MediaSink {
        try RTMPSinkPlugin.makeGrantedPush(platform: "cloudflare", caFile: options.caFile, context: context)
    }
}
