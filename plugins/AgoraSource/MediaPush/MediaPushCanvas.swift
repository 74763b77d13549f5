/// The canvas a transcoding converter is asked for. Media Push takes each side in [66, 1920]
/// and outputs at most 1920×1080 (agora.md §1.4, §1.10); Agora's SDK docs spell that cap as
/// width ≤ 1920 and height ≤ 1080, so a portrait canvas is held to 1080 high as well. A
/// larger profile is scaled down into that box with its aspect ratio kept, to even sizes
/// (H.264 4:2:0); a side under 66 is scaled up. Pure: `relaygate validate` uses it to say
/// what Agora will really send.
public struct MediaPushCanvas: Sendable, Equatable, CustomStringConvertible {
    public static let maxWidth = 1920
    public static let maxHeight = 1080
    public static let minSide = 66

    public var width: Int
    public var height: Int
    /// The requested size was above what Media Push outputs and was scaled down.
    public var scaledDown: Bool
    /// A requested side was under 66 and the size was scaled up.
    public var scaledUp: Bool

    public init(width: Int, height: Int, scaledDown: Bool = false, scaledUp: Bool = false) {
        self.width = width
        self.height = height
        self.scaledDown = scaledDown
        self.scaledUp = scaledUp
    }

    public var description: String { "\(width)x\(height)" }

    /// The canvas for a profile of `width` × `height`: unchanged when Media Push allows it.
    /// Only an extreme aspect ratio (one side clamped after scaling) loses its shape.
    public static func fit(width: Int, height: Int) -> MediaPushCanvas {
        // Bounded so the arithmetic below cannot overflow, whatever a caller passes.
        let w = min(max(1, width), 1_000_000)
        let h = min(max(1, height), 1_000_000)
        if w > maxWidth || h > maxHeight {
            // The side that overshoots more decides the scale (compared as w/1920 vs h/1080).
            let widthBinds = w * maxHeight >= h * maxWidth
            let size =
                widthBinds
                ? (maxWidth, even(h, times: maxWidth, over: w))
                : (even(w, times: maxHeight, over: h), maxHeight)
            return MediaPushCanvas(width: clamp(size.0, maxWidth), height: clamp(size.1, maxHeight), scaledDown: true)
        }
        if w < minSide || h < minSide {
            let shortSide = min(w, h)
            let size = (even(w, times: minSide, over: shortSide), even(h, times: minSide, over: shortSide))
            return MediaPushCanvas(width: clamp(size.0, maxWidth), height: clamp(size.1, maxHeight), scaledUp: true)
        }
        return MediaPushCanvas(width: w, height: h)
    }

    /// `side × num / den`, rounded to the nearest even number.
    private static func even(_ side: Int, times num: Int, over den: Int) -> Int {
        (side * num + den) / (2 * den) * 2
    }

    private static func clamp(_ side: Int, _ limit: Int) -> Int { min(limit, max(minSide, side)) }
}
