/// Which Cloudflare account the client talks to, and how. Built from the integrator's
/// config section; `init` refuses unusable values before anything is sent.
public struct CloudflareStreamSettings: Sendable {
    /// The account ID from the dashboard (32 hex characters; not a secret, but checked).
    public var accountID: String
    /// An API token with the "Stream Write" permission on the account.
    public var apiToken: CloudflareSecret
    /// The account's customer subdomain code (`customer-<code>.cloudflarestream.com`); the
    /// API does not return it, so it is configuration.
    public var customerCode: String
    /// `https://api.cloudflare.com/client/v4`, or a stand-in on loopback for tests.
    public var apiURL: String
    /// `https://customer-<code>.cloudflarestream.com`, or a stand-in on loopback for tests.
    public var customerURL: String
    /// One HTTP attempt's timeout.
    public var requestTimeout: Duration
    public var retry: CloudflareRetryPolicy

    public static let defaultAPIURL = "https://api.cloudflare.com/client/v4"

    /// Throws a `.configuration` error naming the setting at fault (never a secret's value).
    public init(
        accountID: String, apiToken: CloudflareSecret, customerCode: String, apiURL: String = defaultAPIURL,
        customerURL: String? = nil, requestTimeout: Duration = .seconds(10), retry: CloudflareRetryPolicy = .init()
    ) throws(CloudflareStreamError) {
        func refuse(_ why: String) -> CloudflareStreamError {
            CloudflareStreamError(kind: .configuration, operation: "settings", detail: why)
        }
        guard accountID.count == 32, accountID.allSatisfy(\.isHexDigit) else {
            throw refuse("account_id must be 32 hexadecimal characters")
        }
        guard !apiToken.isEmpty else { throw refuse("api_token must not be empty") }
        guard !customerCode.isEmpty, customerCode.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) })
        else { throw refuse("customer_code must be the lowercase letters and digits after customer-") }
        let customer = customerURL ?? "https://customer-\(customerCode).cloudflarestream.com"
        if let why = CloudflareURL.check(apiURL, setting: "api_url") { throw refuse(why) }
        if let why = CloudflareURL.check(customer, setting: "customer_url") { throw refuse(why) }
        guard requestTimeout > .zero else { throw refuse("request_timeout must be positive") }
        self.accountID = accountID
        self.apiToken = apiToken
        self.customerCode = customerCode
        self.apiURL = CloudflareURL.trimmed(apiURL)
        self.customerURL = CloudflareURL.trimmed(customer)
        self.requestTimeout = requestTimeout
        self.retry = retry
    }
}

/// The base URLs' rule: Cloudflare serves HTTPS only, so plain `http://` can only be a
/// stand-in on this machine (a test fake, a local proxy) and anything else is a mistake that
/// would send the token in the clear.
enum CloudflareURL {
    static let loopbackHosts: Set = ["127.0.0.1", "localhost", "::1", "[::1]"]

    /// Nil when `text` is usable, else why not.
    static func check(_ text: String, setting: String) -> String? {
        let parts = text.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !text.contains("?"), !text.contains("#"), !text.contains("@") else {
            return "\(setting) must be https://host[:port][/path], got \"\(text)\""
        }
        let scheme = parts[0].lowercased()
        let authority = parts[1].split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let host = host(of: String(authority)).lowercased()
        guard !host.isEmpty else { return "\(setting) has no host: \"\(text)\"" }
        if scheme == "https" { return nil }
        if scheme == "http", loopbackHosts.contains(host) { return nil }
        return "\(setting) must be https:// (Cloudflare serves HTTPS only; http:// is allowed for loopback only), "
            + "got \"\(text)\""
    }

    /// The host of `authority` ("127.0.0.1:8080", "[::1]:80", "api.cloudflare.com").
    private static func host(of authority: String) -> String {
        if authority.hasPrefix("["), let end = authority.firstIndex(of: "]") {
            return String(authority[...end])
        }
        return String(authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)[0])
    }

    static func trimmed(_ text: String) -> String {
        var text = text
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
