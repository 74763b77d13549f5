import Synchronization

/// One relay stage's `CompanionStatus`, written by the companion's background work and read
/// without waiting by the supervisor (its snapshots are synchronous).
public final class CompanionStatusCell: Sendable {
    private let value: Mutex<CompanionStatus>

    public init(_ status: CompanionStatus) { value = Mutex(status) }

    public var status: CompanionStatus { value.withLock { $0 } }

    public func update(_ change: (inout CompanionStatus) -> Void) {
        value.withLock { change(&$0) }
    }
}
