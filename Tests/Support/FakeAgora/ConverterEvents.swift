import Foundation

/// Media Push's NCS events (productId 5, reference §2.5), built from a converter record.
enum ConverterEvents {
    private static let summaryFields = "id,createTs,updateTs,state"

    /// `lts`: the prose says Unix ms (the examples show seconds); the fake follows the prose.
    private static var lts: JSONValue { .int(FakeAgora.Notification.nowMs()) }

    /// 1: created, with the whole converter and the caller's request ID.
    static func created(_ record: ConverterRecord, requestID: String) -> FakeAgora.Notification {
        event(1, ["converter": record.full, "lts": lts, "xRequestId": .string(requestID)])
    }

    /// 2: configuration changed; `changed` are the dotted paths that differ.
    static func updated(_ record: ConverterRecord, changed: [String], requestID: String) -> FakeAgora.Notification {
        let converter = changed.reduce(record.summary) { subtree, path in
            record.spec.config.value(at: path).map { subtree.setting(path: path, $0) } ?? subtree
        }
        let fields = ([summaryFields] + changed).joined(separator: ",")
        return event(
            2, ["converter": converter, "lts": lts, "xRequestId": .string(requestID), "fields": .string(fields)])
    }

    /// 3: state changed.
    static func stateChanged(_ record: ConverterRecord) -> FakeAgora.Notification {
        event(3, ["converter": record.summary, "lts": lts, "fields": .string(summaryFields)])
    }

    /// 4: destroyed, with `destroyReason`.
    static func destroyed(_ record: ConverterRecord, reason: String) -> FakeAgora.Notification {
        let converter: JSONValue = [
            "id": .string(record.id), "name": .string(record.spec.name ?? ""), "createTs": .int(record.createTs),
            "updateTs": .int(record.updateTs),
        ]
        return event(
            4, ["converter": converter, "lts": lts, "destroyReason": .string(reason), "fields": "id,name,createTs,updateTs"])
    }

    private static func event(_ type: Int, _ payload: JSONValue) -> FakeAgora.Notification {
        FakeAgora.Notification(productId: 5, eventType: type, payload: payload)
    }
}
