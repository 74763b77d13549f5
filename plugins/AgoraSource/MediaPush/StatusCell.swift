import RelayCore
import Synchronization

/// One relay's upstream status, written by its converter lifecycle and read without waiting
/// by the supervisor (its snapshots are synchronous).
final class StatusCell: Sendable {
    private let value: Mutex<CompanionStatus>

    init(_ status: CompanionStatus) { value = Mutex(status) }

    var status: CompanionStatus { value.withLock { $0 } }

    func update(_ change: (inout CompanionStatus) -> Void) {
        value.withLock { change(&$0) }
    }
}
