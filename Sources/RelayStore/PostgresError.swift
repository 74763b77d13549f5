/// A failure reported by libpq or PostgreSQL, with the server's own text.
///
/// `message` never contains the connection string or its password: `PostgresConnection`
/// scrubs libpq's text before it builds one of these.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// Could not connect, or the connection broke: worth retrying on a new connection.
        case connection
        /// The server rejected a statement (syntax, constraint, missing table …).
        case query
        /// A migration file or the migration history is not usable.
        case migration
    }

    public var kind: Kind
    /// PostgreSQL's (or libpq's) text, trimmed.
    public var message: String
    /// The five-character SQLSTATE (`23503`, `42P01` …) when the server sent one.
    public var sqlState: String?

    public init(_ kind: Kind, _ message: String, sqlState: String? = nil) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
    }

    public var description: String {
        sqlState.map { "\(message) (SQLSTATE \($0))" } ?? message
    }
}
