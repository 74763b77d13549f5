import RelayCore

/// The `profiles:`, `platforms:` and `routes:` entries of every conf.d file, gathered
/// before any is decoded so that routes can refer to definitions in any file.
struct Definitions {
    enum Section: String, CaseIterable {
        case profiles, platforms, routes

        /// "profile", as errors name one entry.
        var singular: String { String(rawValue.dropLast()) }
    }

    struct Entry {
        var name: String
        /// The name as written, where duplicate and name errors point.
        var key: ConfigNode
        var value: ConfigNode
    }

    private(set) var entries: [Section: [Entry]] = [:]
    private var firstSeen: [Section: [String: SourceLocation]] = [:]

    func entries(_ section: Section) -> [Entry] { entries[section] ?? [] }

    /// Reads one file's top-level mapping into the sections.
    mutating func collect(_ root: ConfigNode, diagnostics: Diagnostics) {
        guard !root.isNull, var reader = MappingReader(root, context: "the top level", diagnostics: diagnostics) else {
            return
        }
        for section in Section.allCases {
            guard let node = reader.node(section.rawValue) else { continue }
            guard case .mapping(let pairs) = node.value else {
                diagnostics.error(
                    "\"\(section.rawValue)\" must be a mapping from \(section.singular) names to definitions, got \(node.kindDescription)",
                    at: node.location)
                continue
            }
            for pair in pairs { add(section, key: pair.key, value: pair.value, diagnostics: diagnostics) }
        }
        reader.finish()
    }

    private mutating func add(_ section: Section, key: ConfigNode, value: ConfigNode, diagnostics: Diagnostics) {
        guard let name = key.scalarText, !key.isNull else {
            diagnostics.error("\(section.singular) names must be plain names, got \(key.kindDescription)", at: key.location)
            return
        }
        guard Names.isValid(name) else {
            diagnostics.error("\(section.singular) name \"\(name)\" is not valid; use \(Names.rule)", at: key.location)
            return
        }
        if let first = firstSeen[section]?[name] {
            diagnostics.error("duplicate \(section.singular) \"\(name)\"; first defined at \(first)", at: key.location)
            return
        }
        firstSeen[section, default: [:]][name] = key.location
        entries[section, default: []].append(Entry(name: name, key: key, value: value))
    }
}
