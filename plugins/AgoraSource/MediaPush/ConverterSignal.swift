/// What Agora's notifications (productId 5) and the channel's events tell a converter's
/// lifecycle between its own reads.
enum ConverterSignal: Sendable, Equatable {
    /// Event 3: the converter's state changed (`connecting`, `running`, `failed`).
    case state(String)
    /// Event 4: the converter is gone; `reason` is Agora's `destroyReason`.
    case destroyed(reason: String)
    /// The seller is back (a broadcaster join) while the converter is gone: make it again.
    case sellerBack
}
