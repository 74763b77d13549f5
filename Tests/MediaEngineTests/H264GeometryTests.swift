@testable import H264Transcoder
import Testing

/// The h264 transcoder's pure decisions: output size and placement, and which output
/// frame slots each input frame fills.
@Suite struct H264GeometryTests {
    @Test func portraitSourceSwapsTheBounds() {
        let g = OutputGeometry(sourceWidth: 720, sourceHeight: 1280, boundWidth: 1280, boundHeight: 720, fit: .pad)
        #expect(g == OutputGeometry.expected(720, 1280, picture: (0, 0, 720, 1280)))
        let phone = OutputGeometry(sourceWidth: 1080, sourceHeight: 1920, boundWidth: 854, boundHeight: 480, fit: .pad)
        #expect(phone.width == 480 && phone.height == 854)
    }

    @Test func padLetterboxesToExactBoundsWithEvenOffsets() {
        // 4:3 into 16:9: pillarbox, centred.
        let g = OutputGeometry(sourceWidth: 640, sourceHeight: 480, boundWidth: 1280, boundHeight: 720, fit: .pad)
        #expect(g == OutputGeometry.expected(1280, 720, picture: (160, 0, 960, 720)))
        // 21:9 into 16:9: letterbox.
        let wide = OutputGeometry(sourceWidth: 2560, sourceHeight: 1080, boundWidth: 1280, boundHeight: 720, fit: .pad)
        #expect(wide.width == 1280 && wide.height == 720 && wide.pictureWidth == 1280 && wide.pictureHeight == 540)
        #expect(wide.y == 90 && wide.x == 0)
    }

    @Test func fitKeepsTheScaledPictureOnly() {
        let g = OutputGeometry(sourceWidth: 640, sourceHeight: 480, boundWidth: 1280, boundHeight: 720, fit: .fit)
        #expect(g == OutputGeometry.expected(960, 720, picture: (0, 0, 960, 720)))
        let odd = OutputGeometry(sourceWidth: 1000, sourceHeight: 333, boundWidth: 854, boundHeight: 480, fit: .fit)
        #expect(odd.width == 854 && odd.height % 2 == 0 && odd.height == 284)
    }

    @Test func twentyFiveFpsFillsThirtySlots() {
        var converter = FrameRateConverter(fps: 30)
        var emitted = 0
        for frame in 0..<25 { emitted += Int(converter.repeats(forFrameAt: Int64(frame) * 40_000)) }
        // One second of 25 fps input covers slots 0...29 (the last frame's slot is 29, rounded from 28.8).
        #expect(emitted == 30)
        #expect(converter.nextSlot == 30)
    }

    @Test func sixtyFpsDropsEveryOtherFrame() {
        var converter = FrameRateConverter(fps: 30)
        let repeats = (0..<60).map { converter.repeats(forFrameAt: Int64($0) * 1_000_000 / 60) }
        #expect(repeats.reduce(0, +) == 30)
        #expect(repeats.allSatisfy { $0 <= 1 })
    }

    @Test func aGapIsADiscontinuityNotABurstOfRepeats() {
        var converter = FrameRateConverter(fps: 30)
        _ = converter.repeats(forFrameAt: 0)
        // A 10 minute jump continues at the next slot.
        #expect(converter.repeats(forFrameAt: 600_000_000) == 1)
        #expect(converter.repeats(forFrameAt: 600_033_333) == 1)
        #expect(converter.nextSlot == 3)
    }
}

extension OutputGeometry {
    static func expected(_ width: Int, _ height: Int, picture: (Int, Int, Int, Int)) -> OutputGeometry {
        var g = OutputGeometry(sourceWidth: 0, sourceHeight: 0, boundWidth: width, boundHeight: height, fit: .pad)
        (g.x, g.y, g.pictureWidth, g.pictureHeight) = picture
        return g
    }
}
