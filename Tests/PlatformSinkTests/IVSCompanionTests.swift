import Foundation
@testable import IVSSink
import RelayConfig
import RelayCore
import Testing
import TestSupport

/// The `ivs` companion against the IVS fake (moto with SigV4 checks).
@Suite(.serialized)
struct IVSCompanionTests {
    @Test func channelNamesKeepToWhatIVSAccepts() {
        #expect(IVSCompanion.channelName(route: "sellers", channel: "seller_42") == "relaygate-sellers-seller_42")
        #expect(IVSCompanion.channelName(route: "shop.eu", channel: "a b/c") == "relaygate-shop-eu-a-b-c")
        #expect(IVSCompanion.channelName(route: "r", channel: String(repeating: "x", count: 200)).count == 128)
    }

    @Test func wrongCredentialsRefuseTheOutputNamingTheSettingsNotTheSecret() async throws {
        let fake = try await FakeIVS.start()
        let config = try loadPlatforms(
            """
              ivs:
                type: ivs
                region: \(fake.region)
                access_key_id: \(fake.accessKeyID)
                secret_access_key: "not-the-right-SECRET"
                endpoint: "\(fake.endpoint)"

            """)
        let companion = try IVSCompanionPlugin.makeCompanion(settings: IVSCompanionPlugin.Settings(), context: quietContext)
        await companion.configure(platforms: config.platforms.mapValues(\.sink))
        let relay = try companionRelay(config, platform: "ivs")
        let grant = try await granted(companion, relay)
        let reason = try #require(grant.values[StageGrant.refusalKey])
        #expect(reason.contains("secret_access_key") && reason.contains("platform \"ivs\""), "\(reason)")
        #expect(!reason.contains("not-the-right-SECRET"))
        #expect(companion.status(relay)?.state == "failed")
        #expect(try await fake.channelArns().isEmpty)
        await companion.cleanup(relay)
        await companion.shutdown()
    }
}
