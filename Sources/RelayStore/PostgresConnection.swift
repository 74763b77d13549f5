import Foundation
internal import CLibPQ

/// The sole owner of one libpq connection (`PGconn`), closed in `deinit`.
///
/// Every call blocks the calling thread on the network: use it only from a thread of your
/// own (the recorder's, the CLI's), never from an event loop or the Swift concurrency pool.
/// Not thread-safe; one thread at a time.
public final class PostgresConnection {
    private let connection: OpaquePointer
    public let url: DatabaseURL

    /// Connects; `connectTimeout` (whole seconds, at least 2 as libpq rounds up) bounds the
    /// attempt unless the URL sets `connect_timeout` itself. Sessions run in UTC, so the
    /// `timestamp` (without time zone) columns hold UTC like `now()` there does.
    public init(url: DatabaseURL, connectTimeout: Int = 5) throws(PostgresError) {
        self.url = url
        // Keywords before `dbname`: the expanded URL comes later and wins where it sets the same.
        // Keepalives and tcp_user_timeout make a silently vanished server a broken connection
        // (within ~30 s) instead of a write that hangs for the kernel's default of minutes.
        let parameters: [(String, String)] = [
            ("connect_timeout", String(max(connectTimeout, 2))),
            ("application_name", "relaygate"),
            ("keepalives", "1"), ("keepalives_idle", "10"), ("keepalives_interval", "5"), ("keepalives_count", "3"),
            ("tcp_user_timeout", "15000"),
            ("options", "-c TimeZone=UTC"),
            ("dbname", url.raw),
        ]
        let connection = Self.withCStrings(parameters.map(\.0)) { keywords in
            Self.withCStrings(parameters.map(\.1)) { values in
                PQconnectdbParams(keywords, values, 1)
            }
        }
        guard let connection else { throw PostgresError(.connection, "libpq could not allocate a connection") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = url.scrub(Self.oneLine(Self.trimmed(PQerrorMessage(connection))))
            PQfinish(connection)
            throw PostgresError(.connection, "cannot connect to \(url.redacted): \(message)")
        }
        // Notices (e.g. "relation already exists, skipping") would go to stderr otherwise.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        self.connection = connection
    }

    deinit { PQfinish(connection) }

    /// Whether libpq still considers the connection usable.
    public var isOpen: Bool { PQstatus(connection) == CONNECTION_OK }

    /// Runs one statement with `$1`, `$2` … bound to `parameters` (text; nil is NULL).
    /// Values are never spliced into the SQL text.
    @discardableResult
    public func execute(_ sql: String, parameters: [String?] = []) throws(PostgresError) -> PostgresRows {
        let result = Self.withOptionalCStrings(parameters) { values in
            PQexecParams(connection, sql, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        guard let result else { throw failureWithoutResult() }
        let owner = ResultOwner(result)
        try check(owner)
        return owner.rows()
    }

    /// Throws the server's error for a failed result.
    private func check(_ owner: ResultOwner) throws(PostgresError) {
        guard let failure = owner.failure else { return }
        var message = failure.message
        if message.isEmpty { message = Self.trimmed(PQerrorMessage(connection)) }
        // Class 08 (connection exception) and 57P (shutdown) mean: try again later.
        let lost = !isOpen || failure.sqlState?.hasPrefix("08") == true || failure.sqlState?.hasPrefix("57P") == true
        // A statement's error keeps its lines (LINE 1: … and the caret under it); libpq's
        // connection messages read better as one log line.
        throw PostgresError(
            lost ? .connection : .query, url.scrub(lost ? Self.oneLine(message) : message), sqlState: failure.sqlState)
    }

    /// Runs a script of several statements without parameters (a migration file). Only for
    /// trusted SQL text from disk: values always go through `execute(_:parameters:)`.
    public func executeScript(_ sql: String) throws(PostgresError) {
        guard let result = PQexec(connection, sql) else { throw failureWithoutResult() }
        try check(ResultOwner(result))
    }

    /// Runs `body` inside BEGIN … COMMIT; any error rolls back (when the connection still can).
    public func transaction<T>(_ body: () throws(PostgresError) -> T) throws(PostgresError) -> T {
        try execute("BEGIN")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            if isOpen { _ = try? execute("ROLLBACK") }
            throw error
        }
    }

    /// libpq returned no result at all: out of memory, or the connection is gone.
    private func failureWithoutResult() -> PostgresError {
        PostgresError(isOpen ? .query : .connection, url.scrub(Self.oneLine(Self.trimmed(PQerrorMessage(connection)))))
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }

    static func trimmed(_ text: UnsafePointer<CChar>?) -> String {
        guard let text else { return "" }
        return String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        withOptionalCStrings(strings) { pointers in body(pointers + [nil]) }
    }

    /// C strings that live for the duration of `body` (nil stays nil: SQL NULL).
    private static func withOptionalCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        let copies = strings.map { $0.map { strdup($0) } ?? nil }
        defer { copies.forEach { free($0) } }
        return body(copies.map { $0.map { UnsafePointer($0) } })
    }
}
