import Foundation
import RelayCore

/// The bounded queue in front of one sink. The source thread never waits on it: when the
/// sink falls behind and the queue is full, packets are dropped and counted, and delivery
/// resumes at the next video keyframe so the destination never sees a broken GOP.
final class PacketQueue: @unchecked Sendable {
    // @unchecked: every stored property below is read and written only under `condition`.
    private let condition = NSCondition()
    private var buffer: [MediaPacket] = []
    private var head = 0
    private let capacity: Int
    private var closed = false
    private var waitingForKeyframe = false
    private let videoStreams: Set<Int>
    private(set) var dropped: Int64 = 0

    init(capacity: Int, videoStreams: Set<Int>) {
        self.capacity = capacity
        self.videoStreams = videoStreams
        buffer.reserveCapacity(capacity)
    }

    /// Adds a packet unless the queue is full; never blocks. Returns false if dropped.
    @discardableResult
    func push(_ packet: MediaPacket) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        if waitingForKeyframe {
            let isResumePoint = packet.isKeyframe && (videoStreams.isEmpty || videoStreams.contains(packet.streamIndex))
            guard isResumePoint, count < capacity / 2 else {
                dropped += 1
                return false
            }
            waitingForKeyframe = false
        }
        guard count < capacity else {
            dropped += 1
            waitingForKeyframe = true
            return false
        }
        buffer.append(packet)
        condition.signal()
        return true
    }

    /// Waits for the next packet; nil once closed and drained.
    func pop() -> MediaPacket? {
        condition.lock()
        defer { condition.unlock() }
        while count == 0 && !closed { condition.wait() }
        guard count > 0 else { return nil }
        let packet = buffer[head]
        head += 1
        if head > 256 && head * 2 > buffer.count {
            buffer.removeFirst(head)
            head = 0
        }
        return packet
    }

    /// No more pushes; `pop` drains what is left, then returns nil.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Drops everything still queued (the sink failed or must stop now).
    func discardAll() {
        condition.lock()
        dropped += Int64(count)
        buffer.removeAll(keepingCapacity: false)
        head = 0
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    var droppedCount: Int64 {
        condition.lock()
        defer { condition.unlock() }
        return dropped
    }

    private var count: Int { buffer.count - head }
}
