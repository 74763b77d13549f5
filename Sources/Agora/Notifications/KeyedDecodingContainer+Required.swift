extension KeyedDecodingContainer {
    /// `decode`, but a missing key fails with a message that names the field and what it
    /// belongs to, which is what a webhook log needs.
    func required<T: Decodable>(_ type: T.Type, _ key: Key, in owner: String) throws -> T {
        try requireKey(key, in: owner)
        return try decode(type, forKey: key)
    }

    func requireKey(_ key: Key, in owner: String) throws {
        guard contains(key) else {
            throw DecodingError.keyNotFound(
                key,
                DecodingError.Context(
                    codingPath: codingPath, debugDescription: "\(owner) has no \"\(key.stringValue)\" field"))
        }
    }
}
