/// A dictionary that keeps at most `capacity` keys, forgetting the one inserted longest
/// ago, so a long-running receiver's memory of past notifications stays bounded.
struct BoundedMemory<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    let capacity: Int
    private var values: [Key: Value] = [:]
    /// Keys in insertion order, as a ring: `next` is the oldest once the ring is full.
    private var ring: [Key] = []
    private var next = 0

    init(capacity: Int) {
        precondition(capacity > 0, "BoundedMemory needs room for at least one key")
        self.capacity = capacity
    }

    var count: Int { values.count }

    subscript(key: Key) -> Value? {
        values[key]
    }

    /// Updating a known key keeps its place in the eviction order.
    mutating func set(_ value: Value, for key: Key) {
        if values.updateValue(value, forKey: key) != nil { return }
        if ring.count < capacity {
            ring.append(key)
        } else {
            values[ring[next]] = nil
            ring[next] = key
            next = (next + 1) % capacity
        }
    }
}
