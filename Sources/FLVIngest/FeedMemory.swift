import RelayCore
import Synchronization

/// What each ingest feed's live publisher has said, shared by the source instances that read
/// the feed one after another. An instance that fails mid-stream (a malformed message) leaves
/// its publisher connected and sending; the next instance the pipeline opens picks that
/// publisher up again from its cached metadata and sequence headers and its next keyframe —
/// as the ingest server does for a newly attached worker — instead of waiting for a
/// `.publish` that will not come while the publisher stays.
final class FeedMemory: Sendable {
    static let shared = FeedMemory()

    struct State: Sendable {
        /// The publisher live on the feed: its `.publish` read, no `.unpublish` since.
        var publisher: IngestPublisher?
        /// Its latest onMetaData and sequence headers.
        var metadata: IngestMedia?
        var videoHeader: IngestMedia?
        var audioHeader: IngestMedia?
        /// The stream kinds the relay opened with; nil until an instance found its streams.
        var kinds: [StreamInfo.Kind]?

        /// The messages that describe the live publisher's streams, in the order it sent them.
        var configuration: [IngestMedia] { [metadata, videoHeader, audioHeader].compactMap { $0 } }

        /// Follows the feed's publishers.
        mutating func observe(_ message: IngestMessage) {
            switch message {
            case .publish(let next):
                publisher = next
                (metadata, videoHeader, audioHeader) = (nil, nil, nil)
            case .unpublish:
                publisher = nil
                (metadata, videoHeader, audioHeader) = (nil, nil, nil)
            case .media, .dropped:
                break
            }
        }
    }

    private struct Entry: Sendable {
        /// Weak, so a feed's entry goes with the feed, and a reused address is not mistaken for it.
        weak var feed: (any IngestFeed)?
        var state: State
    }

    private let entries = Mutex<[ObjectIdentifier: Entry]>([:])

    func state(of feed: any IngestFeed) -> State {
        entries.withLock { entries in
            guard let entry = entries[ObjectIdentifier(feed)], entry.feed === feed else { return State() }
            return entry.state
        }
    }

    func update(_ feed: any IngestFeed, _ change: (inout State) -> Void) {
        entries.withLock { entries in
            entries = entries.filter { $0.value.feed != nil }
            let key = ObjectIdentifier(feed)
            var entry = entries[key].flatMap { $0.feed === feed ? $0 : nil } ?? Entry(feed: feed, state: State())
            change(&entry.state)
            entries[key] = entry
        }
    }
}
