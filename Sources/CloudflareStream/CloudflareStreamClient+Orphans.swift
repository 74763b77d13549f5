extension CloudflareStreamClient {
    /// Deletes every live input `isOrphan` picks (typically: its `relayTag` names no relay
    /// this gateway still runs) and returns their uids. The list call has no pages, so
    /// while an answer was incomplete and this round deleted something, it lists again:
    /// deleted inputs make room for the ones not shown yet. An incomplete answer with no
    /// orphan in it ends the sweep (nothing more can be seen).
    public func deleteOrphans(where isOrphan: (LiveInputSummary) -> Bool) async throws(CloudflareStreamError) -> [String] {
        var deleted: [String] = []
        // Bounded: each round deletes at least one input, and a runaway is not worth a hang.
        for _ in 0..<100 {
            let listing = try await listLiveInputs()
            let orphans = listing.liveInputs.filter { !deleted.contains($0.uid) && isOrphan($0) }
            for orphan in orphans {
                try await deleteLiveInput(orphan.uid)
                deleted.append(orphan.uid)
            }
            if listing.isComplete || orphans.isEmpty { break }
        }
        return deleted
    }
}
