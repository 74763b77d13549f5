/// Paints yuv420p frames: 75 % colour bars scrolling sideways (motion visible at any size)
/// and a black box holding lines of text. The bars are built once as double-length rows,
/// so each frame's background is one memcpy per row from a shifted offset.
struct TestPattern {
    let width: Int
    let height: Int
    /// Size of one frame: packed Y, then U, then V.
    let frameSize: Int
    /// Font pixel size, scaled with the picture so the text stays readable.
    let scale: Int
    /// The text box, in luma pixels; all even so it maps exactly onto chroma.
    let box: (x: Int, y: Int, width: Int, height: Int)
    /// Top-left of each text line.
    let lineOrigins: [(x: Int, y: Int)]

    private let fps: Int
    private let lumaRow: [UInt8]
    private let blueRow: [UInt8]
    private let redRow: [UInt8]

    /// BT.601 limited-range 75 % bars: white, yellow, cyan, green, magenta, red, blue.
    private static let bars: [(y: UInt8, u: UInt8, v: UInt8)] = [
        (180, 128, 128), (162, 44, 142), (131, 156, 44), (112, 72, 58),
        (84, 184, 198), (65, 100, 212), (35, 212, 114),
    ]
    static let boxLuma: UInt8 = 16
    static let textLuma: UInt8 = 235

    /// `columns` is the longest line in characters, `lines` the number of lines.
    init(width: Int, height: Int, fps: Int, columns: Int, lines: Int) {
        precondition(width % 2 == 0 && height % 2 == 0, "yuv420p needs even sizes")
        self.width = width
        self.height = height
        self.fps = fps
        frameSize = width * height * 3 / 2
        // About 1/17 of the height per text line, less if the longest line would not fit.
        let scale = max(1, min(width / (columns * BitmapFont.advance + 7), height / 120))
        self.scale = scale
        let margin = 2 * scale
        let lineHeight = (BitmapFont.glyphHeight + 3) * scale
        // 2 font pixels of padding on each side; the last character has no trailing gap.
        let boxWidth = min(Self.even((columns * BitmapFont.advance + 3) * scale), width - margin)
        let boxHeight = min(Self.even(lines * lineHeight + scale), height - margin)
        box = (margin, margin, max(boxWidth, 0), max(boxHeight, 0))
        lineOrigins = (0..<lines).map { (margin + 2 * scale, margin + 2 * scale + $0 * lineHeight) }

        let chromaWidth = width / 2
        func bar(atLuma x: Int) -> (y: UInt8, u: UInt8, v: UInt8) { Self.bars[x * Self.bars.count / width] }
        let luma = (0..<width).map { bar(atLuma: $0).y }
        let blue = (0..<chromaWidth).map { bar(atLuma: $0 * 2).u }
        let red = (0..<chromaWidth).map { bar(atLuma: $0 * 2).v }
        lumaRow = luma + luma
        blueRow = blue + blue
        redRow = red + red
    }

    private static func even(_ value: Int) -> Int { (value + 1) & ~1 }

    /// Frame `index` with `lines` drawn in the box. Each frame gets a fresh, uninitialised
    /// array written once: the previous frame is still shared with packets in the sink
    /// queues, so reusing it would only trigger a copy-on-write.
    func render(frame index: Int64, lines: [String]) -> [UInt8] {
        let chromaWidth = width / 2, chromaHeight = height / 2
        // The bars cross the whole picture every 4 seconds; shifting by whole chroma pixels
        // keeps luma and chroma aligned.
        let shift = Int((index * Int64(chromaWidth) / Int64(4 * fps)) % Int64(chromaWidth))
        return [UInt8](unsafeUninitializedCapacity: frameSize) { buffer, initialized in
            let base = buffer.baseAddress!
            lumaRow.withUnsafeBufferPointer { row in
                for y in 0..<height { (base + y * width).update(from: row.baseAddress! + 2 * shift, count: width) }
            }
            let uPlane = base + width * height, vPlane = uPlane + chromaWidth * chromaHeight
            blueRow.withUnsafeBufferPointer { row in
                for y in 0..<chromaHeight {
                    (uPlane + y * chromaWidth).update(from: row.baseAddress! + shift, count: chromaWidth)
                }
            }
            redRow.withUnsafeBufferPointer { row in
                for y in 0..<chromaHeight {
                    (vPlane + y * chromaWidth).update(from: row.baseAddress! + shift, count: chromaWidth)
                }
            }
            initialized = frameSize
            fillBox(base: base)
            let lumaPlane = UnsafeMutableBufferPointer(start: base, count: width * height)
            for (line, origin) in zip(lines, lineOrigins) {
                BitmapFont.draw(
                    line, x: origin.x, y: origin.y, scale: scale, value: Self.textLuma,
                    into: lumaPlane, stride: width, clipWidth: box.x + box.width, clipHeight: box.y + box.height)
            }
        }
    }

    /// Black, colourless box, so the text reads on top of any bar.
    private func fillBox(base: UnsafeMutablePointer<UInt8>) {
        guard box.width > 0, box.height > 0 else { return }
        for y in box.y..<(box.y + box.height) {
            (base + y * width + box.x).update(repeating: Self.boxLuma, count: box.width)
        }
        let chromaWidth = width / 2, chromaHeight = height / 2
        let uPlane = base + width * height, vPlane = uPlane + chromaWidth * chromaHeight
        for y in (box.y / 2)..<((box.y + box.height) / 2) {
            (uPlane + y * chromaWidth + box.x / 2).update(repeating: 128, count: box.width / 2)
            (vPlane + y * chromaWidth + box.x / 2).update(repeating: 128, count: box.width / 2)
        }
    }
}
