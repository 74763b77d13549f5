import Foundation
import Testing
import TestSupport

/// Sink `file` in the daemon: a relay's worker SIGKILLed mid-recording leaves an MP4 that
/// plays up to about the kill, and the restarted worker records into a new file.
@Suite(.serialized)
struct RecordingCrashTests {
    @Test func aKilledWorkerLeavesAPlayableFileAndTheNextRecordsANewOne() async throws {
        let recordings = try TempDirectory("recordings")
        let routes = """
            profiles:
              tiny:
                type: h264
                video: { width: 320, height: 240, fps: 25, bitrate: 300k, gop: 1s, preset: ultrafast }
            platforms:
              recorder:
                type: file
                path: "\(recordings.path)/{channel}/{start}.mp4"
            routes:
              shop:
                channel: cam_1
                source: { type: testsrc, width: 320, height: 240, fps: 25, channels: 1 }
                profile: tiny
                outputs: [recorder]

            """
        let h = try await GatewayHarness(routes: routes)
        defer { h.stop() }
        let started = ContinuousClock.now
        let directory = recordings.path + "/cam_1"
        func files() -> [String] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            return names.filter { $0.hasSuffix(".mp4") }.sorted().map { directory + "/" + $0 }
        }

        // The recording holds a few seconds (an MP4 fragment is complete at each 1 s keyframe).
        var before = 0.0
        let recording = await eventually(timeout: .seconds(60)) {
            guard let file = files().first else { return false }
            before = (try? FFprobe.duration(file)) ?? 0
            return before >= 4
        }
        try #require(recording, "no recording grew; log:\n\(h.log)")
        let victim = try #require(h.worker("cam_1"))
        kill(victim, SIGKILL)
        // The source is real time: no more media can exist than time has passed since the start.
        let elapsed = (ContinuousClock.now - started).components
        let killedAt = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        let killed = try #require(files().first)

        let respawned = await eventually(timeout: .seconds(30), every: .milliseconds(50)) {
            h.worker("cam_1").map { $0 != victim } == true
        }
        try #require(respawned, "no new worker; log:\n\(h.log)")
        let after = try FFprobe.duration(killed)
        #expect(after >= before, "media readable before the kill was lost: \(before) s, then \(after) s")
        #expect(after <= killedAt + 0.5, "\(after) s of media in a file killed \(killedAt) s after the start")
        #expect(try FFprobe.packets(killed, kind: "video").first?.isKeyframe == true)
        let killedSize = try FileManager.default.attributesOfItem(atPath: killed)[.size] as? Int

        // The new worker records into a file of its own; the killed one is left as it was.
        let next = await eventually(timeout: .seconds(60)) {
            let all = files()
            guard all.count == 2, let file = all.first(where: { $0 != killed }) else { return false }
            return ((try? FFprobe.duration(file)) ?? 0) >= 2
        }
        #expect(next, "no second recording: \(files()); log:\n\(h.log)")
        #expect(try FileManager.default.attributesOfItem(atPath: killed)[.size] as? Int == killedSize)

        // A clean stop finalizes the second file.
        #expect(await h.terminate() == 0)
        let second = try #require(files().first { $0 != killed })
        #expect(try FFprobe.duration(second) >= 2)
        #expect(try FFprobe.streams(second).map(\.codecName).sorted() == ["aac", "h264"])
    }
}
