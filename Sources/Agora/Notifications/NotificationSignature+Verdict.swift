extension NotificationSignature {
    /// The outcome of `verify`.
    public enum Verdict: Sendable, Equatable {
        public enum Algorithm: Sendable, Equatable {
            case sha256
            case sha1
        }

        /// The body is authentic; `Algorithm` says which header proved it.
        case valid(Algorithm)
        /// A signature header was there but is malformed or wrong.
        case invalid(reason: String)
        /// Neither header was sent.
        case missing
    }
}
