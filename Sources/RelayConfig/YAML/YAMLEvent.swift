/// A position as libyaml reports it, converted to 1-based line and column.
struct YAMLMark: Sendable, Hashable {
    var line: Int
    var column: Int
}

/// One parse event, copied out of libyaml's `yaml_event_t` so that nothing C-owned
/// outlives the call that produced it.
enum YAMLEvent: Sendable {
    case streamStart
    case streamEnd
    case documentStart(YAMLMark)
    case documentEnd
    case mappingStart(anchor: String?, start: YAMLMark)
    case mappingEnd
    case sequenceStart(anchor: String?, start: YAMLMark)
    case sequenceEnd
    case scalar(YAMLScalar)
    case alias(anchor: String, start: YAMLMark)
}

struct YAMLScalar: Sendable {
    enum Style: Sendable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    var value: String
    var anchor: String?
    var style: Style
    /// `!!str 123` is a string however it is written, like a quoted scalar.
    var isTaggedString: Bool
    var start: YAMLMark
    var end: YAMLMark

    /// What `ConfigNode.Value.scalar(_, isPlain:)` records: untagged and unquoted.
    var isPlain: Bool { style == .plain && !isTaggedString }
}

/// A problem libyaml found, with its own wording (`did not find expected key`).
struct YAMLSyntaxError: Error, Sendable {
    var message: String
    var mark: YAMLMark
}
