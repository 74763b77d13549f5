extension FakeAgora {
    /// The project and account the fake serves: App ID (path segment), RESTful customer
    /// ID and secret (Basic auth), and the NCS secret (webhook signatures).
    public struct Credentials: Sendable {
        public var appID: String
        public var customerID: String
        public var customerSecret: String
        public var ncsSecret: String

        public init(appID: String, customerID: String, customerSecret: String, ncsSecret: String) {
            self.appID = appID
            self.customerID = customerID
            self.customerSecret = customerSecret
            self.ncsSecret = ncsSecret
        }

        /// Fixed values shaped like real ones (App IDs are 32 hex characters).
        public static let test = Credentials(
            appID: "970ca35de60c44645bbae8a215061b33", customerID: "fake-customer-id",
            customerSecret: "fake-customer-secret", ncsSecret: "fake-ncs-secret")

        /// The `Authorization` header value these credentials make.
        public var basicAuthorization: String {
            "Basic " + Array("\(customerID):\(customerSecret)".utf8).base64
        }
    }
}

extension Array where Element == UInt8 {
    /// Standard base64 with padding, without Foundation.
    var base64: String {
        let alphabet = [Character]("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var out = ""
        for start in stride(from: 0, to: count, by: 3) {
            let chunk = Array(self[start..<Swift.min(start + 3, count)])
            var value: UInt32 = 0
            for (offset, byte) in chunk.enumerated() { value |= UInt32(byte) << UInt32(16 - 8 * offset) }
            for index in 0..<4 {
                let sextet = Int((value >> UInt32(18 - 6 * index)) & 0x3f)
                out.append(index <= chunk.count ? alphabet[sextet] : "=")
            }
        }
        return out
    }
}
