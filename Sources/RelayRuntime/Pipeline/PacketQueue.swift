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
            guard isResumePoint(packet), count < capacity / 2 else {
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

    /// Makes the next packet `pop` returns a video keyframe, dropping what is queued before
    /// it (or everything, then waiting for the next one): a reconnected sink starts a new
    /// session that players can only decode from a keyframe.
    func resyncToKeyframe() {
        condition.lock()
        defer { condition.unlock() }
        let start = buffer[head...].firstIndex { isResumePoint($0) } ?? buffer.count
        dropped += Int64(start - head)
        head = start
        if count == 0 {
            buffer.removeAll(keepingCapacity: true)
            head = 0
            waitingForKeyframe = true
        }
    }

    /// Waits up to `timeout` for `close()`; true if the queue is closed. Pushes go on meanwhile.
    func waitUntilClosed(timeout: Duration) -> Bool {
        let deadline = Date().addingTimeInterval(Double(timeout.milliseconds) / 1000)
        condition.lock()
        defer { condition.unlock() }
        while !closed, condition.wait(until: deadline) {}
        return closed
    }

    var droppedCount: Int64 {
        condition.lock()
        defer { condition.unlock() }
        return dropped
    }

    private var count: Int { buffer.count - head }

    private func isResumePoint(_ packet: MediaPacket) -> Bool {
        packet.isKeyframe && (videoStreams.isEmpty || videoStreams.contains(packet.streamIndex))
    }
}
