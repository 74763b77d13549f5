import Agora
import Logging

/// Converters relaygate made (their names start with `ConverterName.prefix`) that no relay
/// owns after a restart — the gateway died before deleting them, and their relay was not
/// resumed — are deleted, so no push outlives its relay.
extension AgoraCompanion {
    /// `keeping`: ids of relays (`route/channel`) that run now; their converters are adopted
    /// by their own lifecycles. Returns how many were deleted.
    @discardableResult
    func deleteOrphanConverters(keeping relays: Set<String>) async -> Int {
        let owned = Set(relays.compactMap { id -> String? in
            guard let slash = id.firstIndex(of: "/") else { return nil }
            return ConverterName.make(route: String(id[..<slash]), channel: String(id[id.index(after: slash)...]))
        })
        let members: [ConverterList.Member]
        do {
            members = try await restRetry.run { () throws(MediaPushError) in try await client.list(logger: logger) }
        } catch {
            logger.error("agora: cannot list converters to delete orphans: \(error)")
            return 0
        }
        var deleted = 0
        for member in members where ConverterName.isOurs(member.name) && !owned.contains(member.name ?? "") {
            do {
                try await restRetry.run { () throws(MediaPushError) in try await client.delete(member.id, logger: logger) }
                deleted += 1
                logger.notice(
                    "agora: deleted converter \(member.name ?? member.id) of channel \(member.channel ?? "?"): no relay owns it")
            } catch {
                logger.error("agora: orphan converter \(member.id) could not be deleted: \(error)")
            }
        }
        return deleted
    }
}
