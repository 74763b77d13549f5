/// A relay's end of the gateway's ingest server: where a source that is pushed to (`rtmp`)
/// reads what its publishers send. One feed lives as long as the worker; the source
/// instances that a reconnect window opens one after another read it in turn.
public protocol IngestFeed: AnyObject, Sendable {
    /// The next message, or nil when none arrived within `timeout`. Throws once the feed
    /// is closed (the supervisor went away).
    func next(timeout: Duration) throws -> IngestMessage?
}

/// What a worker knows about its relay's ingest endpoint.
public struct IngestAssignment: Sendable {
    /// The full publish URL, `rtmp://host:port/app/key`. A secret (it holds the key): for
    /// handing to a publisher, never for logs (`Redaction.url` masks it).
    public var url: String
    public var feed: any IngestFeed

    public init(url: String, feed: any IngestFeed) {
        self.url = url
        self.feed = feed
    }
}
