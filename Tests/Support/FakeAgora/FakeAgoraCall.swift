public import Foundation

extension FakeAgora {
    /// One REST request the fake received, with the status it answered.
    public struct Call: Sendable {
        public let method: String
        public let path: String
        public let query: String?
        public let headers: [(String, String)]
        public let body: [UInt8]
        public let status: Int
        public let at: Date

        /// The first header `name` (case-insensitive).
        public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }

        /// The body as a JSON object, nil if it is not one.
        public var json: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] }
    }
}
