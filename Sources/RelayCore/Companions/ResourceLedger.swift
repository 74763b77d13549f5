public import Foundation

/// Something a companion created at a service for one relay (a live input, a channel): kept
/// in a ledger from the moment it exists until it is deleted, so that a gateway restarted
/// after a crash can adopt it (the relay still runs) or delete it (the relay is gone)
/// instead of leaving it behind at the service, billed.
public struct ProvisionedResource: Sendable, Equatable, Codable {
    /// The companion that made it (its section, e.g. its plugin's name).
    public var companion: String
    /// The output (platform name) it serves; nil for a source's.
    public var platform: String?
    /// What it is, in the plugin's words.
    public var kind: String
    /// Its id at the service: never a secret (a stream key is not an id).
    public var id: String
    public var route: String
    public var channel: String
    public var createdAt: Date

    public init(
        companion: String, platform: String?, kind: String, id: String, route: String, channel: String, createdAt: Date = Date()
    ) {
        self.companion = companion
        self.platform = platform
        self.kind = kind
        self.id = id
        self.route = route
        self.channel = channel
        self.createdAt = createdAt
    }

    /// The relay it was made for, `route/channel`.
    public var relayID: String { "\(route)/\(channel)" }
}

/// Where companions keep what they created (see `ProvisionedResource`): PostgreSQL when the
/// gateway has a database, else this process's memory (then a crash forgets, and only what
/// the service itself can list, by tag or name, is found again).
public protocol ResourceLedger: Sendable {
    /// Records `resource` (again: the same companion and id are one entry).
    func record(_ resource: ProvisionedResource) async throws
    /// The resource is deleted at its service (or kept there on purpose): no longer ours.
    func forget(companion: String, id: String) async throws
    /// Every resource `companion` recorded and has not forgotten, oldest first.
    func resources(of companion: String) async throws -> [ProvisionedResource]
}

/// A ledger in this process's memory.
public actor MemoryLedger: ResourceLedger {
    private var entries: [ProvisionedResource] = []

    public init() {}

    public func record(_ resource: ProvisionedResource) {
        entries.removeAll { $0.companion == resource.companion && $0.id == resource.id }
        entries.append(resource)
    }

    public func forget(companion: String, id: String) {
        entries.removeAll { $0.companion == companion && $0.id == id }
    }

    public func resources(of companion: String) -> [ProvisionedResource] {
        entries.filter { $0.companion == companion }
    }
}
