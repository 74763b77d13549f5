import Logging
import CloudflareStream
import RelayCore

/// While a relay runs, its input's state (the API's `status`, and the customer domain's
/// lifecycle) and live viewers are read every `viewers_interval`, into the output's
/// platform status (the API) and stream_metrics.hls_viewers.
extension CloudflareCompanion {
    /// One look. Failures keep the last known values: counting is best effort, and a
    /// platform hiccup must not look like an audience of zero.
    func look(uid: String, client: CloudflareStreamClient) async {
        guard let cell = outputs.output(withResource: uid)?.output.cell else { return }
        var state: String?
        do {
            let input = try await client.liveInput(uid)
            state = Self.stateText(input.status)
            if try await client.lifecycle(of: uid).live { state = "live" }
        } catch {
            logger.debug("cloudflare: reading live input \(uid) failed: \(error)")
        }
        let viewers: Int?
        do {
            viewers = try await client.liveViewers(of: uid)
        } catch {
            viewers = nil
            logger.debug("cloudflare: reading live viewers of \(uid) failed: \(error)")
        }
        cell.update { status in
            if let state, status.state != state {
                status.state = state
                if state == "live" || state == "connected" { status.lastError = nil }
            }
            if let viewers { status.viewers = viewers }
        }
    }
}
