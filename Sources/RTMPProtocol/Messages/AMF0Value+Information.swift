extension AMF0Value {
    /// The information object of `_result`, `_error` and `onStatus` replies.
    static func information(level: String, code: String, description: String, _ more: AMF0Property...) -> Self {
        .object(
            [AMF0Property("level", .string(level)), AMF0Property("code", .string(code)), AMF0Property("description", .string(description))]
                + more
        )
    }
}
