/// Where the picture goes: the encoded size and the rectangle the scaled source fills.
///
/// The profile bounds the long edge: for a portrait source the bounds are swapped, so a
/// 720x1280 phone stream under a 1280x720 profile stays 720x1280. The source keeps its
/// aspect ratio; `pad` letterboxes to exactly the (possibly swapped) bounds, `fit` encodes
/// just the scaled picture. Sizes are even, as yuv420p needs.
struct OutputGeometry: Equatable {
    var width: Int
    var height: Int
    /// The scaled picture inside the output.
    var x: Int
    var y: Int
    var pictureWidth: Int
    var pictureHeight: Int

    init(sourceWidth: Int, sourceHeight: Int, boundWidth: Int, boundHeight: Int, fit: H264TranscoderPlugin.Fit) {
        var bounds = (width: boundWidth, height: boundHeight)
        let sourcePortrait = sourceHeight > sourceWidth
        let boundsPortrait = boundHeight > boundWidth
        if sourcePortrait != boundsPortrait, sourceWidth > 0, sourceHeight > 0 {
            bounds = (boundHeight, boundWidth)
        }
        var picture = bounds
        if sourceWidth > 0, sourceHeight > 0 {
            // Scale by the tighter of the two ratios, so the picture fits both ways.
            if sourceWidth * bounds.height > sourceHeight * bounds.width {
                picture.height = Self.even(Double(bounds.width) * Double(sourceHeight) / Double(sourceWidth))
            } else {
                picture.width = Self.even(Double(bounds.height) * Double(sourceWidth) / Double(sourceHeight))
            }
        }
        switch fit {
        case .pad:
            width = bounds.width
            height = bounds.height
            // Even offsets keep the chroma planes aligned with the luma.
            x = (bounds.width - picture.width) / 4 * 2
            y = (bounds.height - picture.height) / 4 * 2
        case .fit:
            width = picture.width
            height = picture.height
            x = 0
            y = 0
        }
        pictureWidth = picture.width
        pictureHeight = picture.height
    }

    private static func even(_ value: Double) -> Int { max(2, Int((value / 2).rounded()) * 2) }
}
