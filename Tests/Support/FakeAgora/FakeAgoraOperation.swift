extension FakeAgora {
    /// The REST operations faults and rate limits apply to.
    public enum Operation: Sendable, Hashable {
        case create, update, delete, get, list, channelUsers

        /// Documented per-second limits (reference §1.10, §3): Create, Delete and Get 50 per
        /// project, Update 2 per converter, the online-statistics query 20 per account. List
        /// has none documented, so none is applied.
        var perSecondLimit: Int? {
            switch self {
            case .create, .delete, .get: 50
            case .update: 2
            case .channelUsers: 20
            case .list: nil
            }
        }
    }
}
