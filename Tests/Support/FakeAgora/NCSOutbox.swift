/// The fake's own events (converter lifecycle, channel joins) leave through one queue, in
/// the order they happened, each fully delivered (with retries) before the next: the order
/// a test reasons about. Out-of-order delivery is asked for explicitly instead.
final class NCSOutbox: Sendable {
    private struct Item: Sendable {
        let notification: FakeAgora.Notification
        let delivered: CheckedContinuation<Void, Never>?
    }

    private let queue: AsyncStream<Item>.Continuation
    private let worker: Task<Void, Never>

    init(deliver: @escaping @Sendable (FakeAgora.Notification) async -> Void) {
        let (stream, queue) = AsyncStream.makeStream(of: Item.self)
        self.queue = queue
        worker = Task {
            for await item in stream {
                await deliver(item.notification)
                item.delivered?.resume()
            }
        }
    }

    /// Queues `notification` and returns at once.
    func post(_ notification: FakeAgora.Notification) {
        queue.yield(Item(notification: notification, delivered: nil))
    }

    /// Queues `notification` and returns once it (and all before it) went out.
    func send(_ notification: FakeAgora.Notification) async {
        await withCheckedContinuation { continuation in
            if case .terminated = queue.yield(Item(notification: notification, delivered: continuation)) {
                continuation.resume()
            }
        }
    }

    /// Delivers what is queued, then stops.
    func close() async {
        queue.finish()
        await worker.value
    }
}
