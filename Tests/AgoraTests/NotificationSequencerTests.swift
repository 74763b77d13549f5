import Agora
import Foundation
import Testing

@Suite struct NotificationSequencerTests {
    static func rtc(_ noticeId: String, channel: String = "shop-42", uid: Int = 1001, seq: Int?) throws
        -> AgoraNotification
    {
        let sequence = seq.map { #","clientSeq":\#($0)"# } ?? ""
        let json = """
            {"noticeId":"\(noticeId)","productId":1,"eventType":103,"notifyMs":1,
             "payload":{"channelName":"\(channel)","uid":\(uid),"ts":1\(sequence)}}
            """
        return try JSONDecoder().decode(AgoraNotification.self, from: Data(json.utf8))
    }

    static func mediaPush(_ noticeId: String) throws -> AgoraNotification {
        let json = #"{"noticeId":"\#(noticeId)","productId":5,"eventType":3,"notifyMs":1,"payload":{"converter":{"id":"c"}}}"#
        return try JSONDecoder().decode(AgoraNotification.self, from: Data(json.utf8))
    }

    @Test func resendsAreDuplicates() throws {
        var sequencer = NotificationSequencer()
        #expect(sequencer.admit(try Self.rtc("a", seq: 1)) == .fresh)
        #expect(sequencer.admit(try Self.rtc("a", seq: 1)) == .duplicate)
        #expect(sequencer.admit(try Self.mediaPush("m")) == .fresh)
        #expect(sequencer.admit(try Self.mediaPush("m")) == .duplicate)
    }

    @Test func olderClientSeqForTheSameUserIsStale() throws {
        var sequencer = NotificationSequencer()
        #expect(sequencer.admit(try Self.rtc("a", seq: 5)) == .fresh)
        #expect(sequencer.admit(try Self.rtc("b", seq: 3)) == .stale)
        #expect(sequencer.admit(try Self.rtc("c", seq: 5)) == .stale)
        #expect(sequencer.admit(try Self.rtc("d", seq: 6)) == .fresh)
        // Another user, or the same uid in another channel, has its own sequence.
        #expect(sequencer.admit(try Self.rtc("e", uid: 1002, seq: 1)) == .fresh)
        #expect(sequencer.admit(try Self.rtc("f", channel: "other", seq: 1)) == .fresh)
    }

    @Test func eventsWithoutClientSeqAreOnlyDeduplicated() throws {
        var sequencer = NotificationSequencer()
        #expect(sequencer.admit(try Self.rtc("a", seq: 9)) == .fresh)
        #expect(sequencer.admit(try Self.rtc("b", seq: nil)) == .fresh)
        #expect(sequencer.admit(try Self.rtc("b", seq: nil)) == .duplicate)
    }

    @Test func memoryIsBoundedOldestFirst() throws {
        var sequencer = NotificationSequencer(capacity: 3)
        for id in ["a", "b", "c", "d"] { #expect(sequencer.admit(try Self.mediaPush(id)) == .fresh) }
        // "a" was forgotten to make room for "d"; "c" and "d" are still remembered.
        #expect(sequencer.admit(try Self.mediaPush("c")) == .duplicate)
        #expect(sequencer.admit(try Self.mediaPush("d")) == .duplicate)
        #expect(sequencer.admit(try Self.mediaPush("a")) == .fresh)
        // Re-admitting "a" evicted "b", the oldest left.
        #expect(sequencer.admit(try Self.mediaPush("b")) == .fresh)
    }

    @Test func userSequencesAreBoundedToo() throws {
        var sequencer = NotificationSequencer(capacity: 2)
        #expect(sequencer.admit(try Self.rtc("1", uid: 1, seq: 10)) == .fresh)
        #expect(sequencer.admit(try Self.rtc("2", uid: 2, seq: 10)) == .fresh)
        #expect(sequencer.admit(try Self.rtc("3", uid: 3, seq: 10)) == .fresh)
        // uid 1's sequence was forgotten; uid 3's is kept.
        #expect(sequencer.admit(try Self.rtc("4", uid: 1, seq: 5)) == .fresh)
        #expect(sequencer.admit(try Self.rtc("5", uid: 3, seq: 5)) == .stale)
    }

    @Test func manyNoticesStayWithinTheBound() throws {
        var sequencer = NotificationSequencer(capacity: 100)
        for index in 0..<1000 { #expect(sequencer.admit(try Self.mediaPush("n\(index)")) == .fresh) }
        #expect(sequencer.admit(try Self.mediaPush("n999")) == .duplicate)
        #expect(sequencer.admit(try Self.mediaPush("n900")) == .duplicate)
        #expect(sequencer.admit(try Self.mediaPush("n899")) == .fresh)
    }
}
