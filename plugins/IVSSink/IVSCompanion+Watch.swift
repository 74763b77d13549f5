import Logging
import AWSIVS
import RelayCore

/// While a relay runs, GetStream reads its channel's stream every `viewers_interval`: state
/// and health into the output's platform status, `viewerCount` into the API and
/// stream_metrics.hls_viewers (a count IVS could not make, -1, keeps the last one).
extension IVSCompanion {
    func look(arn: String, client: IVSClient) async {
        guard let cell = outputs.output(withResource: arn)?.output.cell else { return }
        do {
            switch try await client.getStream(channelArn: arn) {
            case .offline:
                cell.update { $0.state = "offline" }
            case .live(let stream):
                cell.update { status in
                    status.state = stream.health == .starving ? "live, starving" : "live"
                    status.lastError = stream.health == .starving ? "IVS: the stream is starving (frames are missing)" : nil
                    if let viewers = stream.viewerCount { status.viewers = viewers }
                }
            }
        } catch {
            logger.debug("ivs: GetStream of \(arn) failed: \(error)")
        }
    }
}
