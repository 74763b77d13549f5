import Agora
import Testing

@Suite struct AgoraRegionTests {
    @Test func regionsAreAgorasFourLowercaseNames() {
        #expect(AgoraRegion.allCases.map(\.rawValue) == ["cn", "ap", "na", "eu"])
        #expect(AgoraRegion(rawValue: "NA") == nil)
    }
}
