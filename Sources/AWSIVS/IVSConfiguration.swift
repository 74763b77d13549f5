public import AWSSigV4
public import Foundation

/// What an `IVSClient` needs: region, credentials, endpoint, retries, and the time source
/// for signing (injected so a test can sign at a fixed instant).
public struct IVSConfiguration: Sendable, CustomStringConvertible {
    public var region: String
    public var credentials: AWSCredentials
    public var endpoint: IVSEndpoint
    public var retry: IVSRetryPolicy
    /// Per request, the whole exchange.
    public var timeout: Duration
    /// Named in auth errors, e.g. "platforms.ivs.access_key_id / secret_access_key /
    /// session_token in conf.d/20-platforms.yaml", so an operator knows what to fix.
    public var credentialSettings: String
    public var now: @Sendable () -> Date

    /// `endpoint` nil: AWS's `https://ivs.<region>.amazonaws.com`.
    public init(
        region: String, credentials: AWSCredentials, endpoint: String? = nil, retry: IVSRetryPolicy = IVSRetryPolicy(),
        timeout: Duration = .seconds(10),
        credentialSettings: String = "the AWS access key ID, secret access key and session token settings",
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(IVSError) {
        guard !region.isEmpty, region.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else {
            throw IVSError.invalidRequest("the AWS region \"\(region)\" is not a region name like us-east-1")
        }
        guard !credentials.accessKeyID.isEmpty, !credentials.secretAccessKey.isEmpty else {
            throw IVSError(
                kind: .auth, operation: "", name: "MissingCredentials", status: nil,
                message: "the access key ID or secret access key is empty", credentialSettings: credentialSettings)
        }
        self.region = region
        self.credentials = credentials
        if let endpoint {
            self.endpoint = try IVSEndpoint(url: endpoint)
        } else {
            self.endpoint = try IVSEndpoint.aws(region: region)
        }
        self.retry = retry
        self.timeout = timeout
        self.credentialSettings = credentialSettings
        self.now = now
    }

    public var description: String { "IVSConfiguration(region: \(region), endpoint: \(endpoint), \(credentials))" }
}
