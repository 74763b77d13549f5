/// A tiny 5x7 bitmap font for the burned-in clock and counter: digits, ':', '.', space and
/// the letters of "UTC" and "FRAME". Built in so the plugin needs no font files or libraries.
enum BitmapFont {
    static let glyphWidth = 5
    static let glyphHeight = 7
    /// Glyph width plus one blank column between characters.
    static let advance = 6

    /// Seven rows per glyph; bit 4 is the leftmost pixel.
    private static let glyphs: [UInt8: [UInt8]] = [
        ascii("0"): [0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E],
        ascii("1"): [0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E],
        ascii("2"): [0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F],
        ascii("3"): [0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E],
        ascii("4"): [0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02],
        ascii("5"): [0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E],
        ascii("6"): [0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E],
        ascii("7"): [0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08],
        ascii("8"): [0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E],
        ascii("9"): [0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C],
        ascii(":"): [0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00],
        ascii("."): [0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C],
        ascii("A"): [0x0E, 0x11, 0x11, 0x11, 0x1F, 0x11, 0x11],
        ascii("C"): [0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E],
        ascii("E"): [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F],
        ascii("F"): [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10],
        ascii("M"): [0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11],
        ascii("R"): [0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11],
        ascii("T"): [0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04],
        ascii("U"): [0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E],
    ]

    private static func ascii(_ character: Character) -> UInt8 { character.asciiValue ?? 0 }

    /// Draws `text` into an 8-bit plane with each font pixel as a `scale`×`scale` block,
    /// clipped to `clipWidth`×`clipHeight`. Characters without a glyph (and spaces) leave a gap.
    static func draw(
        _ text: String, x: Int, y: Int, scale: Int, value: UInt8,
        into plane: UnsafeMutableBufferPointer<UInt8>, stride: Int, clipWidth: Int, clipHeight: Int
    ) {
        var originX = x
        for byte in text.utf8 {
            defer { originX += advance * scale }
            guard let rows = glyphs[byte] else { continue }
            for (row, bits) in rows.enumerated() where bits != 0 {
                let top = y + row * scale
                let rowsToFill = max(0, min(top + scale, clipHeight) - max(top, 0))
                guard rowsToFill > 0 else { continue }
                for column in 0..<glyphWidth where bits & (0x10 >> column) != 0 {
                    let left = max(originX + column * scale, 0)
                    let right = min(originX + (column + 1) * scale, clipWidth)
                    guard left < right else { continue }
                    for py in max(top, 0)..<(max(top, 0) + rowsToFill) {
                        let start = py * stride
                        for px in left..<right { plane[start + px] = value }
                    }
                }
            }
        }
    }
}
