import Agora
import Foundation
import Testing

@Suite struct AgoraNotificationTests {
    static func decode(_ json: String) throws -> AgoraNotification {
        try JSONDecoder().decode(AgoraNotification.self, from: Data(json.utf8))
    }

    @Test func broadcasterJoin() throws {
        let notification = try Self.decode(
            """
            {"noticeId":"2000001428:4330:107","productId":1,"eventType":103,"notifyMs":1611566412672,
             "sid":"C6DF3AF2A1C84A12B5CC8A8E5B3A51F6",
             "payload":{"channelName":"shop-42","uid":12121212,"platform":7,"clientSeq":1625051030746,"ts":1560396834}}
            """)
        #expect(notification.noticeId == "2000001428:4330:107")
        #expect(notification.productId == 1 && notification.eventType == 103)
        #expect(notification.notifyMs == 1_611_566_412_672)
        #expect(notification.sid == "C6DF3AF2A1C84A12B5CC8A8E5B3A51F6")
        guard case .rtc(let event) = notification.event else {
            Issue.record("not an RTC event: \(notification.event)")
            return
        }
        #expect(event.kind == .broadcasterJoin)
        #expect(event.channelName == "shop-42" && event.uid == 12_121_212)
        #expect(event.clientSeq == 1_625_051_030_746 && event.ts == 1_560_396_834)
        #expect(event.platform == 7 && event.reason == nil)
    }

    @Test func broadcasterLeaveWithStringUIDAndUnknownFields() throws {
        let notification = try Self.decode(
            """
            {"noticeId":"n-2","productId":1,"eventType":104,"notifyMs":1611566499000,"eventMs":1611566498000,
             "payload":{"channelName":"shop-42","uid":"4294967295","platform":6,"clientType":10,
                        "clientSeq":1625051035000,"ts":1560396900,"reason":2,"duration":66}}
            """)
        #expect(notification.sid == nil)
        guard case .rtc(let event) = notification.event else {
            Issue.record("not an RTC event: \(notification.event)")
            return
        }
        #expect(event.kind == .broadcasterLeave && event.uid == UInt32.max && event.reason == 2)
    }

    @Test func channelCreateHasNoUser() throws {
        let notification = try Self.decode(
            """
            {"noticeId":"n-3","productId":1,"eventType":101,"notifyMs":1611566400000,
             "payload":{"channelName":"shop-42","ts":1560396800}}
            """)
        let event = try #require(Self.rtcEvent(notification))
        #expect(event.kind == .channelCreate && event.uid == nil && event.clientSeq == nil)
    }

    @Test(arguments: [
        (101, RTCChannelEvent.Kind.channelCreate), (102, .channelDestroy), (103, .broadcasterJoin),
        (104, .broadcasterLeave), (105, .audienceJoin), (106, .audienceLeave), (111, .roleToBroadcaster),
        (112, .roleToAudience), (107, .other(107)),
    ])
    func rtcKindsMapToTheirCodes(_ code: Int, _ kind: RTCChannelEvent.Kind) {
        #expect(RTCChannelEvent.Kind(eventType: code) == kind)
        #expect(kind.eventType == code)
    }

    @Test func nonNumericUIDIsAnError() {
        #expect(throws: DecodingError.self) {
            try Self.decode(
                """
                {"noticeId":"n","productId":1,"eventType":103,"notifyMs":1,
                 "payload":{"channelName":"c","uid":"seller","clientSeq":1,"ts":1}}
                """)
        }
    }

    @Test func mediaPushConverterCreated() throws {
        let notification = try Self.decode(
            """
            {"noticeId":"f1a3b1c2-0001","productId":5,"eventType":1,"notifyMs":1603456600123,
             "payload":{"converter":{"id":"4c014467d647bb87b60b719f6fa57686","name":"shop-42_relay",
                "transcodeOptions":{"rtcChannel":"shop-42","audioOptions":{"rtcStreamUids":[201]}},
                "rtmpUrl":"rtmp://ingest.example/live/k","idleTimeout":300,"createTs":1603456600,
                "updateTs":1603456600,"state":"connecting"},
              "lts":1603456600,"xRequestId":"7bbcc8a4acce48c78b53c5a261a8a564"}}
            """)
        let event = try #require(Self.mediaPushEvent(notification))
        #expect(event.kind == .created)
        #expect(event.converterID == "4c014467d647bb87b60b719f6fa57686" && event.converterName == "shop-42_relay")
        #expect(event.state == "connecting" && event.destroyReason == nil)
        #expect(event.xRequestId == "7bbcc8a4acce48c78b53c5a261a8a564" && event.lts == 1_603_456_600)
    }

    @Test func mediaPushStateChangedAndDestroyed() throws {
        let changed = try #require(
            Self.mediaPushEvent(
                Self.decode(
                    """
                    {"noticeId":"n-5","productId":5,"eventType":3,"notifyMs":1603456601000,
                     "payload":{"converter":{"id":"c1","createTs":1603456600,"updateTs":1603456601,"state":"failed"},
                                "lts":1603456601,"fields":"id,createTs,updateTs,state"}}
                    """)))
        #expect(changed.kind == .stateChanged && changed.state == "failed" && changed.xRequestId == nil)

        let destroyed = try #require(
            Self.mediaPushEvent(
                Self.decode(
                    """
                    {"noticeId":"n-6","productId":5,"eventType":4,"notifyMs":1603456900000,
                     "payload":{"converter":{"id":"c1","name":"shop-42_relay","createTs":1603456600,"updateTs":1603456900},
                                "lts":1603456900,"destroyReason":"Idle Timeout","fields":"id,name,createTs,updateTs"}}
                    """)))
        #expect(destroyed.kind == .destroyed && destroyed.destroyReason == "Idle Timeout" && destroyed.state == nil)
        #expect(MediaPushEvent.Kind(eventType: 9) == .other(9) && MediaPushEvent.Kind.configChanged.eventType == 2)
    }

    @Test func otherProductsAreKeptUntyped() throws {
        let notification = try Self.decode(
            #"{"noticeId":"r-1","productId":3,"eventType":40,"notifyMs":1,"payload":{"cname":"x"}}"#)
        #expect(notification.event == .other)
    }

    @Test(arguments: ["noticeId", "productId", "eventType", "notifyMs"])
    func missingTopLevelFieldIsNamed(_ field: String) throws {
        var object: [String: Any] = [
            "noticeId": "n", "productId": 1, "eventType": 101, "notifyMs": 1,
            "payload": ["channelName": "c", "ts": 1],
        ]
        object[field] = nil
        let data = try JSONSerialization.data(withJSONObject: object)
        do {
            _ = try JSONDecoder().decode(AgoraNotification.self, from: data)
            Issue.record("decoded without \(field)")
        } catch DecodingError.keyNotFound(let key, let context) {
            #expect(key.stringValue == field)
            #expect(context.debugDescription == "NCS notification has no \"\(field)\" field")
        }
    }

    @Test(arguments: [
        (#"{"noticeId":"n","productId":1,"eventType":103,"notifyMs":1,"payload":{"ts":1}}"#, "channelName", "RTC event payload"),
        (#"{"noticeId":"n","productId":5,"eventType":1,"notifyMs":1,"payload":{"lts":1}}"#, "converter", "Media Push event payload"),
        (#"{"noticeId":"n","productId":5,"eventType":1,"notifyMs":1,"payload":{"converter":{}}}"#, "id", "Media Push converter"),
        (#"{"noticeId":"n","productId":1,"eventType":103,"notifyMs":1}"#, "payload", "NCS notification"),
    ])
    func missingNestedFieldIsNamed(_ json: String, _ field: String, _ owner: String) {
        let error = #expect(throws: DecodingError.self) { try Self.decode(json) }
        guard case .keyNotFound(let key, let context) = error else {
            Issue.record("expected a missing key, got \(String(describing: error))")
            return
        }
        #expect(key.stringValue == field)
        #expect(context.debugDescription == "\(owner) has no \"\(field)\" field")
    }

    static func rtcEvent(_ notification: AgoraNotification) -> RTCChannelEvent? {
        if case .rtc(let event) = notification.event { return event }
        return nil
    }

    static func mediaPushEvent(_ notification: AgoraNotification) -> MediaPushEvent? {
        if case .mediaPush(let event) = notification.event { return event }
        return nil
    }
}
