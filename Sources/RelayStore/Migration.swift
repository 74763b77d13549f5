import Foundation

/// One `migrations/NNN_name.sql` file, split at its `-- migrate:up` and `-- migrate:down`
/// lines (format: migrations/README.md).
public struct Migration: Sendable, Equatable {
    public var version: Int
    public var name: String
    public var up: String
    public var down: String

    /// `001_add_relay_fields`: how output and errors name it.
    public var label: String { Self.label(version, name) }

    public static func label(_ version: Int, _ name: String) -> String {
        let digits = String(version)
        return String(repeating: "0", count: max(0, 3 - digits.count)) + digits + "_" + name
    }

    static let upMarker = "-- migrate:up"
    static let downMarker = "-- migrate:down"

    public init(version: Int, name: String, up: String, down: String) {
        self.version = version
        self.name = name
        self.up = up
        self.down = down
    }

    /// Parses `text`, the contents of `file` (used in errors).
    public init(file: String, text: String) throws(PostgresError) {
        let base = (file as NSString).lastPathComponent
        guard let parsed = Self.versionAndName(base) else {
            throw PostgresError(.migration, "\(file): name must be NNN_name.sql (digits, underscore, letters)")
        }
        var up: [Substring] = [], down: [Substring] = []
        var section = 0  // 0 header, 1 up, 2 down
        var seen = (up: false, down: false)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let marker = line.trimmingCharacters(in: .whitespaces)
            if marker == Self.upMarker {
                guard !seen.up, !seen.down else {
                    throw PostgresError(.migration, "\(file): \"\(Self.upMarker)\" must come once, before \"\(Self.downMarker)\"")
                }
                seen.up = true
                section = 1
            } else if marker == Self.downMarker {
                guard seen.up, !seen.down else {
                    throw PostgresError(.migration, "\(file): \"\(Self.downMarker)\" must come once, after \"\(Self.upMarker)\"")
                }
                seen.down = true
                section = 2
            } else if section == 1 {
                up.append(line)
            } else if section == 2 {
                down.append(line)
            }
        }
        guard seen.up, seen.down else {
            throw PostgresError(.migration, "\(file): needs a \"\(Self.upMarker)\" and a \"\(Self.downMarker)\" section")
        }
        let upText = up.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !upText.isEmpty else { throw PostgresError(.migration, "\(file): the up section is empty") }
        self.init(
            version: parsed.version, name: parsed.name, up: upText,
            down: down.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// `001_add_relay_fields.sql` → (1, "add_relay_fields"); nil for any other name.
    static func versionAndName(_ file: String) -> (version: Int, name: String)? {
        guard file.hasSuffix(".sql") else { return nil }
        let stem = file.dropLast(4)
        guard let underscore = stem.firstIndex(of: "_") else { return nil }
        let digits = stem[..<underscore], name = stem[stem.index(after: underscore)...]
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let version = Int(digits),
            !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
        else { return nil }
        return (version, String(name))
    }

    /// Every `*.sql` file of `directory`, by version. Other files (README.md) are ignored;
    /// a `.sql` file with a bad name or two files with one version are errors.
    public static func load(directory: String) throws(PostgresError) -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw PostgresError(.migration, "\(directory): cannot read the migrations directory")
        }
        var migrations: [Migration] = []
        for name in names.sorted() where name.hasSuffix(".sql") {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw PostgresError(.migration, "\(path): cannot read the file")
            }
            let migration = try Migration(file: path, text: text)
            if let other = migrations.first(where: { $0.version == migration.version }) {
                throw PostgresError(.migration, "\(path): version \(migration.version) is also used by \(other.name)")
            }
            migrations.append(migration)
        }
        return migrations.sorted { $0.version < $1.version }
    }
}
