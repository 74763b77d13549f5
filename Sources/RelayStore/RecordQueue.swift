import RelayCore

/// The recorder's bounded FIFO. Not thread-safe: `PostgresRecorder` guards it with its lock.
///
/// Overflow policy: when full, the **oldest metrics sample** is dropped first; only when the
/// queue holds nothing but state records (started, transitions, stopped) is the oldest of
/// those dropped. State records decide what `channels` says and what `relay_events` keeps,
/// while one missing sample among many is a small gap in a graph. The head record while it is
/// being written (`isHeadPinned`) is never dropped, so the writer can remove it after success.
struct RecordQueue {
    let limit: Int
    /// Slots from `head` on; dropped records leave a nil behind until compaction.
    private var slots: [RelayRecord?] = []
    private var head = 0
    private(set) var count = 0
    var isHeadPinned = false

    init(limit: Int) { self.limit = max(limit, 1) }

    var isEmpty: Bool { count == 0 }

    /// Adds `record`; returns the record dropped to make room, if any.
    mutating func push(_ record: RelayRecord) -> RelayRecord? {
        var dropped: RelayRecord?
        if count >= limit {
            dropped = dropOldest(where: { if case .metrics = $0.event { true } else { false } }) ?? dropOldest(where: { _ in true })
            if dropped == nil { return record }  // limit 1 with the head pinned: nothing may go but the newcomer
        }
        slots.append(record)
        count += 1
        return dropped
    }

    /// The oldest record, left in place (the writer removes it with `removeFirst` once written).
    mutating func first() -> RelayRecord? {
        skipHoles()
        return head < slots.count ? slots[head] : nil
    }

    mutating func removeFirst() {
        skipHoles()
        guard head < slots.count else { return }
        slots[head] = nil
        head += 1
        count -= 1
        isHeadPinned = false
        compactIfWorthIt()
    }

    private mutating func dropOldest(where matches: (RelayRecord) -> Bool) -> RelayRecord? {
        skipHoles()
        var index = head + (isHeadPinned ? 1 : 0)
        while index < slots.count {
            if let record = slots[index], matches(record) {
                slots[index] = nil
                count -= 1
                removeHolesIfMany()
                return record
            }
            index += 1
        }
        return nil
    }

    private mutating func skipHoles() {
        while head < slots.count, slots[head] == nil { head += 1 }
    }

    /// A long outage drops in the middle without the head moving: squeeze the holes out
    /// once they outnumber the records, so memory stays bounded by about twice the limit.
    private mutating func removeHolesIfMany() {
        guard slots.count - head > 2 * limit else { return }
        slots = slots[head...].filter { $0 != nil }
        head = 0
    }

    /// Drops the consumed prefix now and then, so appends stay O(1) amortised and memory bounded.
    private mutating func compactIfWorthIt() {
        guard head > 1024, head * 2 > slots.count else { return }
        slots.removeFirst(head)
        head = 0
    }
}
