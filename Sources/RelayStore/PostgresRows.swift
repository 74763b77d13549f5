internal import CLibPQ

/// What a statement returned, copied out of libpq: column names, text values (nil for
/// NULL) and the number of rows a command touched.
public struct PostgresRows: Sendable {
    public var columns: [String]
    public var rows: [[String?]]
    /// `PQcmdTuples`: rows inserted/updated/deleted; 0 for other commands.
    public var affectedRows: Int

    public init(columns: [String] = [], rows: [[String?]] = [], affectedRows: Int = 0) {
        self.columns = columns
        self.rows = rows
        self.affectedRows = affectedRows
    }

    /// The value in `column` of row `row`, nil for NULL or an unknown column.
    public func value(_ row: Int, _ column: String) -> String? {
        guard let index = columns.firstIndex(of: column), rows.indices.contains(row) else { return nil }
        return rows[row][index]
    }
}

/// Owns one `PGresult` and clears it exactly once, whatever path the caller takes.
final class ResultOwner {
    private let result: OpaquePointer

    init(_ result: OpaquePointer) { self.result = result }

    deinit { PQclear(result) }

    /// The error text and SQLSTATE of a failed statement; nil when it succeeded.
    var failure: (message: String, sqlState: String?)? {
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return nil
        default:
            let sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            return (PostgresConnection.trimmed(PQresultErrorMessage(result)), sqlState)
        }
    }

    func rows() -> PostgresRows {
        let columnCount = PQnfields(result)
        let rowCount = PQntuples(result)
        let columns = (0..<columnCount).map { String(cString: PQfname(result, $0)) }
        let rows = (0..<rowCount).map { row in
            (0..<columnCount).map { column -> String? in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            }
        }
        return PostgresRows(columns: columns, rows: rows, affectedRows: Int(String(cString: PQcmdTuples(result))) ?? 0)
    }
}
