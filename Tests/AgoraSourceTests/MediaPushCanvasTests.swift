@testable import AgoraSource
import Testing

/// Media Push's canvas limits (agora.md §1.4, §1.10): each side 66…1920, output at most
/// 1920×1080. What a profile asks for is fitted, never refused.
@Suite struct MediaPushCanvasTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var width: Int
        var height: Int
        var expected: MediaPushCanvas
        var testDescription: String { "\(width)x\(height)" }
    }

    static let cases: [Case] = [
        // Within the limits: unchanged, odd sizes too (Agora takes any integer in range).
        Case(width: 1280, height: 720, expected: .init(width: 1280, height: 720)),
        Case(width: 1920, height: 1080, expected: .init(width: 1920, height: 1080)),
        Case(width: 853, height: 479, expected: .init(width: 853, height: 479)),
        Case(width: 66, height: 66, expected: .init(width: 66, height: 66)),
        // 4K landscape: 16:9 and DCI's 256:135 (1012.5 rounds to the nearer even 1012).
        Case(width: 3840, height: 2160, expected: .init(width: 1920, height: 1080, scaledDown: true)),
        Case(width: 4096, height: 2160, expected: .init(width: 1920, height: 1012, scaledDown: true)),
        // 16:10 overshoots in height more than in width: height decides.
        Case(width: 2560, height: 1600, expected: .init(width: 1728, height: 1080, scaledDown: true)),
        // Portrait: held to 1080 high, aspect kept.
        Case(width: 1080, height: 1920, expected: .init(width: 608, height: 1080, scaledDown: true)),
        Case(width: 2160, height: 3840, expected: .init(width: 608, height: 1080, scaledDown: true)),
        Case(width: 720, height: 1280, expected: .init(width: 608, height: 1080, scaledDown: true)),
        // Odd sizes just over the limits come out even and inside them.
        Case(width: 1921, height: 1081, expected: .init(width: 1920, height: 1080, scaledDown: true)),
        Case(width: 3001, height: 1999, expected: .init(width: 1622, height: 1080, scaledDown: true)),
        Case(width: 1921, height: 9, expected: .init(width: 1920, height: 66, scaledDown: true)),
        // Tiny: scaled up until the short side is 66.
        Case(width: 32, height: 18, expected: .init(width: 118, height: 66, scaledUp: true)),
        Case(width: 18, height: 32, expected: .init(width: 66, height: 118, scaledUp: true)),
        Case(width: 1, height: 1, expected: .init(width: 66, height: 66, scaledUp: true)),
        // Extreme aspect ratios cannot keep their shape: clamped into the limits.
        Case(width: 1920, height: 40, expected: .init(width: 1920, height: 66, scaledUp: true)),
        Case(width: 0, height: -5, expected: .init(width: 66, height: 66, scaledUp: true)),
    ]

    @Test(arguments: cases) func fitsWithinEveryLimit(_ c: Case) {
        let canvas = MediaPushCanvas.fit(width: c.width, height: c.height)
        #expect(canvas == c.expected)
        #expect((MediaPushCanvas.minSide...MediaPushCanvas.maxWidth).contains(canvas.width), "\(canvas)")
        #expect((MediaPushCanvas.minSide...MediaPushCanvas.maxHeight).contains(canvas.height), "\(canvas)")
    }

    @Test func scalingKeepsTheAspectRatioWithinRounding() {
        for (w, h) in [(3840, 2160), (4096, 2160), (2560, 1600), (2160, 3840), (3001, 1999), (7680, 4320), (1200, 1600)] {
            let canvas = MediaPushCanvas.fit(width: w, height: h)
            #expect(canvas.scaledDown && !canvas.scaledUp)
            // One side is at its limit; the other is within one rounding step (2 px) of exact.
            let exactHeight = Double(canvas.width) * Double(h) / Double(w)
            let exactWidth = Double(canvas.height) * Double(w) / Double(h)
            let close = abs(exactHeight - Double(canvas.height)) <= 2 || abs(exactWidth - Double(canvas.width)) <= 2
            #expect(close, "\(w)x\(h) → \(canvas)")
            #expect(canvas.width == MediaPushCanvas.maxWidth || canvas.height == MediaPushCanvas.maxHeight, "\(canvas)")
            #expect(canvas.width % 2 == 0 && canvas.height % 2 == 0, "\(canvas)")
        }
    }

    @Test func itSaysWhatItDid() {
        #expect(MediaPushCanvas.fit(width: 3840, height: 2160).description == "1920x1080")
        #expect(!MediaPushCanvas.fit(width: 1280, height: 720).scaledDown)
    }
}
