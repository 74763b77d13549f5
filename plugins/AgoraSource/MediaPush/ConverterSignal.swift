/// What Agora's notifications (productId 5) and the channel's events tell a converter's
/// lifecycle between its own reads. Converter events name their converter: news of one the
/// lifecycle has replaced (its deletion, say) must not end the new one.
enum ConverterSignal: Sendable, Equatable {
    /// Event 3: converter `id`'s state changed (`connecting`, `running`, `failed`).
    case state(id: String, String)
    /// Event 4: converter `id` is gone; `reason` is Agora's `destroyReason`.
    case destroyed(id: String, reason: String)
    /// The seller is back (a broadcaster join) while the converter is gone: make it again.
    case sellerBack
}
