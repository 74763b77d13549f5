import Foundation

extension FakeAgora {
    /// One NCS notification: `{noticeId, productId, eventType, notifyMs, sid?, <extra>, payload}`
    /// (reference §2.2), written in that member order. Any event can be expressed: the payload
    /// is free JSON, `extra` carries members such as the legacy `eventMs`.
    public struct Notification: Sendable {
        public var noticeId: String
        public var productId: Int
        public var eventType: Int
        /// Send time in Unix ms; NCS refreshes it on every resend.
        public var notifyMs: Int64
        /// Session ID: only on RTC channel events in Agora's samples.
        public var sid: String?
        /// More top-level members, written after `sid` and before `payload`.
        public var extra: [(String, JSONValue)]
        public var payload: JSONValue

        public init(
            noticeId: String = Notification.newNoticeId(), productId: Int, eventType: Int,
            notifyMs: Int64 = Notification.nowMs(), sid: String? = nil, extra: [(String, JSONValue)] = [],
            payload: JSONValue
        ) {
            self.noticeId = noticeId
            self.productId = productId
            self.eventType = eventType
            self.notifyMs = notifyMs
            self.sid = sid
            self.extra = extra
            self.payload = payload
        }

        /// The exact bytes NCS would POST.
        public var body: [UInt8] {
            var members: [(String, JSONValue)] = [
                ("noticeId", .string(noticeId)), ("productId", .int(Int64(productId))),
                ("eventType", .int(Int64(eventType))), ("notifyMs", .int(notifyMs)),
            ]
            if let sid { members.append(("sid", .string(sid))) }
            members += extra
            members.append(("payload", payload))
            return JSONValue.object(members).bytes
        }

        /// Parses a received body back; nil if it lacks NCS's members.
        public init?(body: [UInt8]) {
            guard let json = JSONValue.parse(body), let noticeId = json["noticeId"]?.stringValue,
                let productId = json["productId"]?.intValue, let eventType = json["eventType"]?.intValue,
                let notifyMs = json["notifyMs"]?.intValue, let payload = json["payload"]
            else { return nil }
            let known: Set = ["noticeId", "productId", "eventType", "notifyMs", "sid", "payload"]
            self.init(
                noticeId: noticeId, productId: Int(productId), eventType: Int(eventType), notifyMs: notifyMs,
                sid: json["sid"]?.stringValue, extra: (json.members ?? []).filter { !known.contains($0.0) }, payload: payload)
        }

        /// Agora's shape: "<number>:<number>:<number>" (reference §2.2 example).
        public static func newNoticeId() -> String {
            "\(UInt32.random(in: 1_000_000_000...4_000_000_000)):\(UInt16.random(in: 1000...9999)):\(UInt16.random(in: 100...999))"
        }

        public static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
    }
}
