/// A fixed-capacity first-in first-out queue that never makes its producer wait: when it is
/// full, the oldest item makes room and is counted. For live input the newest data matters
/// most, and a bounded queue is what keeps memory flat when the consumer falls behind.
struct DropOldestQueue<Element> {
    let capacity: Int
    private var slots: [Element?]
    private var head = 0
    private(set) var count = 0
    /// Items pushed out by newer ones since the queue was made.
    private(set) var dropped: Int64 = 0

    init(capacity: Int) {
        precondition(capacity > 0, "a queue needs room for one item")
        self.capacity = capacity
        slots = Array(repeating: nil, count: capacity)
    }

    var isEmpty: Bool { count == 0 }
    var first: Element? { count > 0 ? slots[head] : nil }

    /// Appends `item`; returns true when the oldest item was dropped to make room.
    @discardableResult
    mutating func push(_ item: Element) -> Bool {
        var droppedOne = false
        if count == capacity {
            _ = popFirst()
            dropped += 1
            droppedOne = true
        }
        slots[(head + count) % capacity] = item
        count += 1
        return droppedOne
    }

    mutating func popFirst() -> Element? {
        guard count > 0 else { return nil }
        // Cleared at once, so a dropped frame's memory is freed now, not when overwritten.
        let item = slots[head].take()
        head = (head + 1) % capacity
        count -= 1
        return item
    }
}
