import Foundation
import RelayCore

/// Reading `agora:` from relaygate.yaml (the agora companion's section).
extension AgoraSettings {
    static func decode(_ reader: inout MappingReader) -> AgoraSettings? {
        let diagnostics = reader.diagnostics
        let errorsBefore = diagnostics.count
        let defaults = AgoraSettings(appID: "", customerID: "", customerSecret: "")
        let hex32 = ValueParser<String>.string.validated { text in
            text.count == 32 && text.allSatisfy(\.isHexDigit) ? nil : "must be 32 hexadecimal characters (value not shown)"
        }
        let secret = ValueParser<String>.string.validated { $0.isEmpty ? "must not be empty" : nil }
        let appID = reader.required("app_id", hex32)
        let appCertificate = reader.optional("app_certificate", hex32)
        let customerID = reader.required("customer_id", secret)
        let customerSecret = reader.required("customer_secret", secret)
        let notificationSecret = reader.optional("ncs_secret", secret)
        let region = reader.optional("region", .oneOf(regions)) ?? defaults.region
        let apiURL = reader.optional("api_url", ValueParser<String>.string.validated(checkAPIURL)) ?? defaults.apiURL
        let restRetries = reader.optional("rest_retries", .int(in: 0...10)) ?? defaults.restRetries
        let restBackoff = reader.optional("rest_backoff", .duration(in: .milliseconds(100)...(.seconds(60))))
            ?? defaults.restBackoff
        let pollInterval = reader.optional("poll_interval", .duration(in: .seconds(1)...(.seconds(300))))
            ?? defaults.pollInterval
        let viewersInterval = reader.optional("viewers_interval", .duration(in: .zero...(.seconds(3600))))
            ?? defaults.viewersInterval
        let requestTimeout = reader.optional("request_timeout", .duration(in: .seconds(1)...(.seconds(120))))
            ?? defaults.requestTimeout
        guard diagnostics.count == errorsBefore, let appID, let customerID, let customerSecret else { return nil }
        return AgoraSettings(
            appID: appID, appCertificate: appCertificate, customerID: customerID, customerSecret: customerSecret,
            notificationSecret: notificationSecret, region: region, apiURL: apiURL, restRetries: restRetries,
            restBackoff: restBackoff, pollInterval: pollInterval, viewersInterval: viewersInterval,
            requestTimeout: requestTimeout)
    }

    /// The settings as the config keeps them (canonical JSON, see `GlobalSettings.companions`);
    /// nil when `json` is not that.
    public init?(json: String) {
        guard let settings = try? JSONDecoder().decode(AgoraSettings.self, from: Data(json.utf8)) else { return nil }
        self = settings
    }

    /// Agora serves HTTPS only; plain HTTP is for something on this machine standing in for it.
    static func checkAPIURL(_ text: String) -> String? {
        guard let url = URL(string: text), let scheme = url.scheme, let host = url.host, url.query == nil,
            url.path.isEmpty || url.path == "/"
        else { return "must be https://host[:port] with no path, got \"\(text)\"" }
        if scheme == "https" { return nil }
        if scheme == "http", ["127.0.0.1", "localhost", "::1"].contains(host) { return nil }
        return "must be https:// (Agora serves HTTPS only; http:// is allowed for loopback only), got \"\(text)\""
    }
}
