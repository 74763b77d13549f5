package import NIOCore

extension ByteBuffer {
    /// Reads one AMF0 value.
    ///
    /// Container counts are never trusted for allocation: arrays grow as their elements
    /// are read, so a declared count larger than the bytes present costs nothing.
    ///
    /// - Returns: the value, or `nil` when the readable bytes end before the value does
    ///   (the reader index is then left where it was).
    /// - Throws: `RTMPProtocolError` on a malformed or unsupported marker, or nesting deeper
    ///   than `AMF0.maximumNestingDepth`.
    package mutating func readAMF0Value() throws -> AMF0Value? {
        var copy = self
        guard let value = try copy.readAMF0Value(depth: 0) else {
            return nil
        }
        self = copy
        return value
    }

    /// Writes `value` in AMF0. Property names longer than 65 535 UTF-8 bytes, which AMF0
    /// cannot express, are cut to that length.
    package mutating func writeAMF0Value(_ value: AMF0Value) {
        switch value {
        case .number(let number):
            self.writeInteger(AMF0Marker.number.rawValue)
            self.writeInteger(number.bitPattern)
        case .boolean(let boolean):
            self.writeInteger(AMF0Marker.boolean.rawValue)
            self.writeInteger(boolean ? 1 : 0 as UInt8)
        case .string(let string):
            let utf8 = string.utf8
            if utf8.count <= Int(UInt16.max) {
                self.writeInteger(AMF0Marker.string.rawValue)
                self.writeInteger(UInt16(utf8.count))
            } else {
                self.writeInteger(AMF0Marker.longString.rawValue)
                self.writeInteger(UInt32(truncatingIfNeeded: utf8.count))
            }
            self.writeBytes(utf8)
        case .object(let properties):
            self.writeInteger(AMF0Marker.object.rawValue)
            self.writeAMF0Properties(properties)
        case .null:
            self.writeInteger(AMF0Marker.null.rawValue)
        case .undefined:
            self.writeInteger(AMF0Marker.undefined.rawValue)
        case .ecmaArray(let properties):
            self.writeInteger(AMF0Marker.ecmaArray.rawValue)
            self.writeInteger(UInt32(truncatingIfNeeded: properties.count))
            self.writeAMF0Properties(properties)
        case .strictArray(let elements):
            self.writeInteger(AMF0Marker.strictArray.rawValue)
            self.writeInteger(UInt32(truncatingIfNeeded: elements.count))
            for element in elements {
                self.writeAMF0Value(element)
            }
        case .date(let milliseconds):
            self.writeInteger(AMF0Marker.date.rawValue)
            self.writeInteger(milliseconds.bitPattern)
            self.writeInteger(0 as Int16)
        }
    }

    private mutating func writeAMF0Properties(_ properties: [AMF0Property]) {
        for property in properties {
            let name = property.name.utf8.prefix(Int(UInt16.max))
            self.writeInteger(UInt16(name.count))
            self.writeBytes(name)
            self.writeAMF0Value(property.value)
        }
        // The object end: an empty name followed by the end marker.
        self.writeInteger(0 as UInt16)
        self.writeInteger(AMF0Marker.objectEnd.rawValue)
    }

    /// Reads one value, consuming bytes even when it returns `nil`; the public entry point
    /// works on a copy so that `nil` leaves the buffer untouched.
    private mutating func readAMF0Value(depth: Int) throws -> AMF0Value? {
        guard let byte = self.readInteger(as: UInt8.self) else {
            return nil
        }
        guard let marker = AMF0Marker(rawValue: byte) else {
            throw RTMPProtocolError.unsupportedAMF0Marker(byte)
        }
        switch marker {
        case .number:
            return self.readInteger(as: UInt64.self).map { .number(Double(bitPattern: $0)) }
        case .boolean:
            return self.readInteger(as: UInt8.self).map { .boolean($0 != 0) }
        case .string:
            return self.readAMF0String(lengthAs: UInt16.self).map { .string($0) }
        case .longString, .xmlDocument:
            return self.readAMF0String(lengthAs: UInt32.self).map { .string($0) }
        case .null:
            return .null
        case .undefined:
            return .undefined
        case .object:
            return try self.readAMF0Properties(depth: depth + 1).map { .object($0) }
        case .typedObject:
            guard self.readAMF0String(lengthAs: UInt16.self) != nil else {
                return nil
            }
            return try self.readAMF0Properties(depth: depth + 1).map { .object($0) }
        case .ecmaArray:
            // The count is a hint that encoders get wrong; the end marker is what counts.
            guard self.readInteger(as: UInt32.self) != nil else {
                return nil
            }
            return try self.readAMF0Properties(depth: depth + 1).map { .ecmaArray($0) }
        case .strictArray:
            return try self.readAMF0StrictArray(depth: depth + 1).map { .strictArray($0) }
        case .date:
            guard let bits = self.readInteger(as: UInt64.self), self.readInteger(as: Int16.self) != nil else {
                return nil
            }
            return .date(Double(bitPattern: bits))
        case .objectEnd, .movieClip, .reference, .unsupported, .recordSet, .avmPlusObject:
            throw RTMPProtocolError.unsupportedAMF0Marker(byte)
        }
    }

    private mutating func readAMF0String<Length: FixedWidthInteger>(lengthAs: Length.Type) -> String? {
        guard let length = self.readInteger(as: Length.self), let count = Int(exactly: length) else {
            return nil
        }
        return self.readString(length: count)
    }

    /// Properties up to and including the object end (an empty name, then marker 0x09).
    private mutating func readAMF0Properties(depth: Int) throws -> [AMF0Property]? {
        guard depth <= AMF0.maximumNestingDepth else {
            throw RTMPProtocolError.amf0NestingTooDeep(limit: AMF0.maximumNestingDepth)
        }
        var properties: [AMF0Property] = []
        while true {
            guard let name = self.readAMF0String(lengthAs: UInt16.self) else {
                return nil
            }
            if name.isEmpty, self.readableBytesView.first == AMF0Marker.objectEnd.rawValue {
                self.moveReaderIndex(forwardBy: 1)
                return properties
            }
            guard let value = try self.readAMF0Value(depth: depth) else {
                return nil
            }
            properties.append(AMF0Property(name, value))
        }
    }

    private mutating func readAMF0StrictArray(depth: Int) throws -> [AMF0Value]? {
        guard depth <= AMF0.maximumNestingDepth else {
            throw RTMPProtocolError.amf0NestingTooDeep(limit: AMF0.maximumNestingDepth)
        }
        guard let count = self.readInteger(as: UInt32.self) else {
            return nil
        }
        // Every element takes at least its marker byte: a count beyond the readable bytes
        // cannot complete yet, and is answered before anything is allocated for it.
        guard Int(count) <= self.readableBytes else {
            return nil
        }
        var elements: [AMF0Value] = []
        for _ in 0..<count {
            guard let element = try self.readAMF0Value(depth: depth) else {
                return nil
            }
            elements.append(element)
        }
        return elements
    }
}
