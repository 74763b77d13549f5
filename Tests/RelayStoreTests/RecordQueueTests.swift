import Foundation
import RelayCore
import Testing

@testable import RelayStore

@Suite struct RecordQueueTests {
    static func metrics(_ n: Int) -> RelayRecord {
        RelayRecord(channel: "c", channelID: 1, route: "r", time: Date(timeIntervalSince1970: 0), event: .metrics(bitrateKbps: Double(n), fps: 30, health: .good))
    }
    static func stopped(_ reason: String) -> RelayRecord {
        RelayRecord(channel: "c", channelID: 1, route: "r", time: Date(timeIntervalSince1970: 0), event: .stopped(reason: reason))
    }

    @Test func overflowDropsTheOldestMetricsFirstThenTheOldestState() {
        var queue = RecordQueue(limit: 3)
        #expect(queue.push(Self.stopped("a")) == nil)
        #expect(queue.push(Self.metrics(1)) == nil)
        #expect(queue.push(Self.metrics(2)) == nil)
        #expect(queue.push(Self.stopped("b")) == Self.metrics(1))
        #expect(queue.push(Self.stopped("c")) == Self.metrics(2))
        #expect(queue.push(Self.metrics(3)) == Self.stopped("a"))
        var drained: [RelayRecord] = []
        while let record = queue.first() {
            drained.append(record)
            queue.removeFirst()
        }
        #expect(drained == [Self.stopped("b"), Self.stopped("c"), Self.metrics(3)])
    }

    @Test func thePinnedHeadIsNeverDropped() {
        var queue = RecordQueue(limit: 2)
        _ = queue.push(Self.metrics(1))
        _ = queue.push(Self.metrics(2))
        _ = queue.first()
        queue.isHeadPinned = true
        #expect(queue.push(Self.metrics(3)) == Self.metrics(2))
        #expect(queue.first() == Self.metrics(1))
    }

    @Test func aLongOutageKeepsMemoryBounded() {
        var queue = RecordQueue(limit: 100)
        for n in 0..<100_000 { _ = queue.push(Self.metrics(n)) }
        #expect(queue.count == 100)
        #expect(queue.first() == Self.metrics(99_900))
    }
}
