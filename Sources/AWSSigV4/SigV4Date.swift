import Foundation

/// The two date forms SigV4 uses, always in UTC: `20150830T123600Z` and `20150830`.
struct SigV4Date {
    let timestamp: String
    let day: String

    init(_ date: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        day = "\(parts.year ?? 1970)\(two(parts.month))\(two(parts.day))"
        timestamp = "\(day)T\(two(parts.hour))\(two(parts.minute))\(two(parts.second))Z"
    }
}
