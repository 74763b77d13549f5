import Foundation
import RelayCore
import Testing
import TestSupport

/// Sources whose audio misbehaves the way sellers' phones do: it starts late and stops
/// early. The output's audio must stay continuous (silence filled) and every real sound must
/// stay where it was relative to the picture.
@Suite(.serialized) struct AudioContinuityTests {
    @Test func lateAndStoppingAudioIsFilledAndStaysInSync() async throws {
        let temporary = try TempDirectory("h264")
        let input = URL(fileURLWithPath: temporary.path).appendingPathComponent("late.flv")
        // 12 s of video; audio only from 3 s to 8 s: a 100 ms beep at the start of each of
        // those seconds (3.0, 4.0 … 7.0 on the video's clock).
        try FFmpeg.run([
            "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
            "-itsoffset", "3", "-f", "lavfi", "-i", "aevalsrc=0.8*sin(2*PI*1000*t)*lt(mod(t\\,1)\\,0.1):s=48000:d=5",
            "-t", "12", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "128k", input.path,
        ])
        let nginx = try await Nginx()
        let (recording, outputs) = try H264TranscoderTests.relay(
            input, options: H264TranscoderTests.options(), nginx: nginx, channel: "late")
        #expect(outputs.map(\.kind) == [.video, .audio])

        let videoStart = try #require(try H264TranscoderTests.videoPackets(recording).keyframes.first)
        let audio = try AudioJudge.packets(recording)
        #expect(abs(audio.start - videoStart) < 0.05, "audio starts at \(audio.start), video at \(videoStart)")
        #expect(abs(audio.duration - 12.0) < AudioJudge.tailTolerance, "audio covers \(audio.duration) s of 12 s of video")
        #expect(audio.largestGap < 0.03, "audio has a \(audio.largestGap) s hole")

        // Every beep lands on its second of the picture's clock (AAC adds ~21 ms of priming).
        let beeps = try AudioJudge.beepOnsets(recording, before: audio.start + audio.duration).map { $0 - videoStart }
        #expect(beeps.count == 5, "beeps at \(beeps)")
        for (beep, second) in zip(beeps, [3.0, 4.0, 5.0, 6.0, 7.0]) {
            #expect(abs(beep - second) < 0.045, "beep expected at \(second) s, heard at \(beep) s")
        }
    }
}
