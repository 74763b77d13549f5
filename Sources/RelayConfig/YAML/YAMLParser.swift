internal import CYAML

/// Owns one libyaml parser and the bytes it reads, and hands out events one at a time.
///
/// Both the `yaml_parser_t` and the input live in memory allocated here and freed in
/// `deinit`: libyaml keeps a pointer to the input for the parser's whole life, and
/// `yaml_parser_set_input_string` stores a pointer to the parser inside itself, so
/// neither may be a Swift value that could move or end with a closure.
final class YAMLParser {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: UnsafeMutableBufferPointer<UInt8>
    /// Bytes in use: `input` has room for at least one, even for an empty file.
    private let inputCount: Int

    init(bytes: [UInt8]) throws(YAMLSyntaxError) {
        let input = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(bytes.count, 1))
        _ = input.initialize(from: bytes)
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        // Fails only when malloc does; libyaml frees its partial state itself then.
        guard yaml_parser_initialize(parser) == 1 else {
            parser.deallocate()
            input.deallocate()
            throw YAMLSyntaxError(message: "libyaml could not create a parser (out of memory)", mark: YAMLMark(line: 1, column: 1))
        }
        yaml_parser_set_input_string(parser, input.baseAddress, bytes.count)
        self.parser = parser
        self.input = input
        self.inputCount = bytes.count
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
        input.deallocate()
    }

    /// The next event. After an error libyaml's state is final; callers stop there.
    func next() throws(YAMLSyntaxError) -> YAMLEvent {
        var event = yaml_event_t()
        // Deleting a zeroed event (the failure case) is a no-op, so this is always safe.
        defer { yaml_event_delete(&event) }
        guard yaml_parser_parse(parser, &event) == 1 else { throw currentError() }
        return Self.convert(event)
    }

    private static func convert(_ event: yaml_event_t) -> YAMLEvent {
        let start = mark(event.start_mark)
        switch event.type {
        case YAML_STREAM_START_EVENT:
            return .streamStart
        case YAML_DOCUMENT_START_EVENT:
            return .documentStart(start)
        case YAML_DOCUMENT_END_EVENT:
            return .documentEnd
        case YAML_MAPPING_START_EVENT:
            return .mappingStart(anchor: string(event.data.mapping_start.anchor), start: start)
        case YAML_MAPPING_END_EVENT:
            return .mappingEnd
        case YAML_SEQUENCE_START_EVENT:
            return .sequenceStart(anchor: string(event.data.sequence_start.anchor), start: start)
        case YAML_SEQUENCE_END_EVENT:
            return .sequenceEnd
        case YAML_ALIAS_EVENT:
            return .alias(anchor: string(event.data.alias.anchor) ?? "", start: start)
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let value =
                data.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: data.length), as: UTF8.self) } ?? ""
            let style: YAMLScalar.Style =
                switch data.style {
                case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
                case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
                case YAML_LITERAL_SCALAR_STYLE: .literal
                case YAML_FOLDED_SCALAR_STYLE: .folded
                default: .plain
                }
            let tag = string(data.tag)
            return .scalar(
                YAMLScalar(
                    value: value, anchor: string(data.anchor), style: style,
                    isTaggedString: tag == "tag:yaml.org,2002:str", start: start, end: mark(event.end_mark)))
        default:
            // YAML_NO_EVENT is never returned by a successful parse; STREAM_END ends it.
            return .streamEnd
        }
    }

    private func currentError() -> YAMLSyntaxError {
        let state = parser.pointee
        let problem = state.problem.map { String(cString: $0) } ?? "unknown error"
        switch state.error {
        case YAML_MEMORY_ERROR:
            return YAMLSyntaxError(message: "libyaml ran out of memory", mark: YAMLMark(line: 1, column: 1))
        case YAML_READER_ERROR:
            // Reader errors (bad UTF-8, control characters) carry a byte offset, not a mark.
            var message = "unreadable YAML: \(problem)"
            if state.problem_value != -1 {
                message += " (byte 0x" + String(UInt32(bitPattern: state.problem_value), radix: 16, uppercase: true) + ")"
            }
            return YAMLSyntaxError(message: message, mark: markForByteOffset(state.problem_offset))
        default:
            var message = "YAML syntax error: \(problem)"
            if let context = state.context.map({ String(cString: $0) }) {
                let at = Self.mark(state.context_mark)
                message += " (\(context) that started at line \(at.line), column \(at.column))"
            }
            return YAMLSyntaxError(message: message, mark: Self.mark(state.problem_mark))
        }
    }

    /// Line and column (in characters) of a byte offset into the input.
    private func markForByteOffset(_ offset: Int) -> YAMLMark {
        var line = 1, column = 1
        for byte in input.prefix(min(offset, inputCount)) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {  // count UTF-8 lead bytes only
                column += 1
            }
        }
        return YAMLMark(line: line, column: column)
    }

    private static func mark(_ mark: yaml_mark_t) -> YAMLMark {
        YAMLMark(line: mark.line + 1, column: mark.column + 1)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
