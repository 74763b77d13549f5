import RelayCore
import Synchronization

/// One relay's upstream status, written by its converter lifecycle and read without waiting
/// by the supervisor (its snapshots are synchronous).
final class StatusCell: Sendable {
    private let value: Mutex<UpstreamStatus>

    init(_ status: UpstreamStatus) { value = Mutex(status) }

    var status: UpstreamStatus { value.withLock { $0 } }

    func update(_ change: (inout UpstreamStatus) -> Void) {
        value.withLock { change(&$0) }
    }
}
