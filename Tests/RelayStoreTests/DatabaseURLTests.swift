import Testing

@testable import RelayStore

@Suite struct DatabaseURLTests {
    @Test(arguments: [
        ("postgres://relay:s%40cret-1@db:5432/relay", "s@cret-1", "postgres://***@db:5432/relay"),
        ("postgresql://db/relay?user=relay&password=qu3ry-pw", "qu3ry-pw", "postgresql://db/relay?user=***&password=***"),
        ("host=db user=relay password='kv-secret' dbname=relay", "kv-secret", "(connection string)"),
    ])
    func passwordsAreFoundAndScrubbed(_ raw: String, _ password: String, _ redacted: String) {
        let url = DatabaseURL(raw)
        #expect(url.password == password)
        #expect(url.redacted == redacted)
        #expect(url.description == redacted)
        let scrubbed = url.scrub("failed for \(raw) with \(password)")
        #expect(!scrubbed.contains(password))
        #expect(scrubbed == "failed for \(redacted) with ***")
    }
}
