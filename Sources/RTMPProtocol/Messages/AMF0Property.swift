/// One named member of an AMF0 object or ECMA array. Kept as an ordered list rather than a
/// dictionary: order is visible on the wire, and peers may repeat a name.
package struct AMF0Property: Sendable, Hashable {
    package var name: String
    package var value: AMF0Value

    package init(_ name: String, _ value: AMF0Value) {
        self.name = name
        self.value = value
    }
}
