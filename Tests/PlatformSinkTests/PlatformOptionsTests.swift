import CloudflareSink
import Foundation
import IVSSink
import RelayConfig
import RelayCore
import Testing

/// Platforms of type cloudflare and ivs in YAML: what loads, with which defaults, and the
/// errors an operator gets for what does not (naming the key, never a secret's value).
@Suite struct PlatformOptionsTests {
    static let cloudflare = """
          cf:
            type: cloudflare
            account_id: 023e105f4ecef8ad9ca31a8372d0c353
            api_token: "tok-SECRET-123"
            customer_code: abc123

        """
    static let ivs = """
          ivs:
            type: ivs
            region: eu-west-1
            access_key_id: AKIDEXAMPLE
            secret_access_key: "aws-SECRET-456"

        """

    @Test func bothLoadWithTheirDefaults() throws {
        let config = try loadPlatforms(Self.cloudflare + Self.ivs)
        let cf = try JSONDecoder().decode(
            CloudflareSinkPlugin.Options.self, from: Data(try #require(config.platforms["cf"]).sink.options.utf8))
        #expect(cf.viewersIntervalMs == 10_000 && cf.onEnd == .delete && cf.apiGiveUpAfterMs == 120_000 && cf.liveInput == nil)
        let ivs = try JSONDecoder().decode(IVSSinkPlugin.Options.self, from: Data(try #require(config.platforms["ivs"]).sink.options.utf8))
        #expect(ivs.viewersIntervalMs == 15_000 && ivs.channelType == "STANDARD" && ivs.latencyMode == "LOW" && ivs.onEnd == .delete)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var yaml: String
        var error: String
        var testDescription: String { error }
    }

    static let cases = [
        Case(yaml: cloudflare.replacingOccurrences(of: "023e105f4ecef8ad9ca31a8372d0c353", with: "nothex"),
             error: "account_id must be 32 hexadecimal characters"),
        Case(yaml: cloudflare + "    api_url: http://api.example.com/client/v4\n", error: "http:// is allowed for loopback only"),
        Case(yaml: cloudflare.replacingOccurrences(of: "abc123", with: "Not-A-Code"), error: "customer_code must be"),
        Case(yaml: cloudflare + "    live_input: 42\n", error: "\"live_input\" must be a live input id"),
        Case(yaml: cloudflare + "    on_end: archive\n", error: "on_end"),
        Case(yaml: cloudflare.replacingOccurrences(of: "    api_token: \"tok-SECRET-123\"\n", with: ""), error: "missing required key \"api_token\""),
        Case(yaml: ivs.replacingOccurrences(of: "eu-west-1", with: "Europe West"), error: "is not a region name"),
        Case(yaml: ivs + "    endpoint: http://ivs.example.com\n", error: "allowed on loopback only"),
        Case(yaml: ivs + "    channel_type: HUGE\n", error: "channel_type"),
        Case(yaml: ivs + "    channel_arn: my-channel\n", error: "\"channel_arn\" must be an IVS channel ARN"),
        Case(yaml: ivs + "    viewers_interval: 2h\n", error: "viewers_interval"),
    ]

    @Test(arguments: cases)
    func aBadSettingIsRefusedNamingIt(_ bad: Case) {
        let errors = platformErrors(bad.yaml)
        #expect(errors.contains { $0.contains(bad.error) }, "\(errors)")
        #expect(!errors.joined().contains("SECRET"), "a secret in an error: \(errors)")
    }
}
