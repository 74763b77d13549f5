import Foundation
import Testing
import TestSupport

/// A lost source with real peers: the ffmpeg publisher is killed (and maybe restarted)
/// while relaygate pulls it from nginx; nginx's view of the relay's output is the judge.
@Suite(.serialized)
struct SourceGapRelayTests {
    /// `480p` repeats the last picture through its own encoder; `passthrough` switches to a
    /// slate encoder showing the route's slate image (red) and back to copying; `auto`
    /// (copying this source) does the same with a black slate. The seller is away for 10 s
    /// (the scenario, not a measurement; `auto` with a 6 s absence leaves a 0.7 s audio hole
    /// at the switch back, reported to the product).
    @Test(arguments: ["480p", "passthrough", "auto"])
    func publisherKilledForTenSecondsIsBridgedWithSlateInOnePublishSession(profile: String) async throws {
        let (h, logs) = try await relay(profile: profile, window: "60s", redSlate: profile == "passthrough")
        defer { h.stop() }

        // Some moving content before the gap.
        #expect(await h.hlsKeepsComing("out", count: 2))
        h.seller("cam")?.signal(SIGKILL)
        let killedAt = ContinuousClock.now
        let atKill = h.nginx.segments("out").count
        let reconnecting = await eventually(timeout: .seconds(30)) { h.log.contains("state=reconnecting") }
        #expect(reconnecting, "the relay did not report the gap; log:\n\(h.log)")
        // Slate keeps the output going: fragments (one per GOP, 1 or 2 s) keep coming during the
        // outage; counted once the 10 s are over, so a slow machine only makes it longer.
        try await Task.sleep(until: killedAt + .seconds(10))
        let bridged = await eventually(timeout: .seconds(30), every: .milliseconds(200)) {
            h.nginx.segments("out").count >= atKill + 4
        }
        #expect(bridged, "segments \(atKill) → \(h.nginx.segments("out").count)")

        try h.startSeller(.init(name: "cam", width: 640, height: 360))
        let back = await eventually(timeout: .seconds(30)) { h.log.contains("source back after") }
        #expect(back, "the source did not come back; log:\n\(h.log)")
        // Real content after the gap: four segments of at least 1 s.
        #expect(await h.hlsKeepsComing("out", count: 4), "no HLS after the source came back")
        #expect(await h.terminate() == 0)

        let sessions = h.nginx.publishSessions("out")
        #expect(sessions.count == 1, "nginx saw \(sessions.count) publish sessions: \(sessions)")
        let recording = try await h.nginx.recording("out")
        for kind in ["v", "a"] {
            let times = try decodeTimes(recording, kind: kind)
            let steps = zip(times, times.dropFirst()).map { $1 - $0 }
            #expect(steps.allSatisfy { $0 > 0 }, "\(kind): timestamps go back or repeat")
            let largest = steps.indices.max { steps[$0] < steps[$1] }
            #expect(
                (steps.max() ?? 0) < 0.5,
                "\(kind): a gap of \(steps.max() ?? 0) s after \(largest.map { times[$0] } ?? 0) s of \(times.last ?? 0) s")
        }
        // During the outage the picture stands still and the audio is silent; afterwards
        // the moving pattern and the tone are back.
        // x264 keeps refining a repeated picture for a while (its first copies still differ
        // slightly), so the still is judged with a tolerance above coding noise (-50 dB).
        let stills = try detected(recording, filter: "freezedetect=n=-50dB:d=3", event: "freeze", stream: "v")
        let silences = try detected(recording, filter: "silencedetect=n=-60dB:d=3", event: "silence", stream: "a")
        #expect(stills.count == 1 && silences.count == 1, "still pictures \(stills), silences \(silences)")
        if let still = stills.first, let silence = silences.first {
            // Four segments of slate are at least four seconds of media, whatever the load.
            #expect(still.duration >= 4, "still picture \(still)")
            #expect(silence.duration >= 4, "silence \(silence)")
            #expect(abs(silence.start - still.start) < 2.5, "silence \(silence) vs still picture \(still)")
            #expect(abs(silence.duration - still.duration) < 2.5, "silence \(silence) vs still picture \(still)")
            let end = try decodeTimes(recording, kind: "a").last ?? 0
            #expect(silence.end < end - 3 && still.end < end - 3, "no real content after the gap")
            if profile == "passthrough" {
                let (red, green, blue) = try centreColour(recording, at: still.start + still.duration / 2, in: logs)
                #expect(red > 180 && green < 60 && blue < 60, "slate colour \(red),\(green),\(blue) is not the red image")
            }
        }
    }

    @Test func sourceGoneLongerThanTheWindowEndsTheRelayForGood() async throws {
        let (h, _) = try await relay(profile: "passthrough", window: "5s")
        defer { h.stop() }

        h.seller("cam")?.signal(SIGKILL)
        let ended = await eventually(timeout: .seconds(30)) { h.log.contains("relay ended and is not restarted: source-gone") }
        #expect(ended, "log:\n\(h.log)")
        #expect(h.log.contains("source: source-gone: not back within 5s"), "log:\n\(h.log)")
        // No new worker for it: a restart would be at once (restart 1 has no delay), so a
        // short look is enough.
        try await Task.sleep(for: .seconds(2))
        #expect(h.workers.isEmpty, "workers: \(h.workers)")
        #expect(!h.log.contains("relay restarting"), "log:\n\(h.log)")
    }

    /// nginx, an ffmpeg seller on `src/cam`, and a gateway relaying it as channel `out` with
    /// `profile` and reconnect window `window` (1 s liveness timeout); returns once HLS
    /// flows, with a folder for the test's files.
    func relay(profile: String, window: String, redSlate: Bool = false) async throws -> (GatewayHarness, TempDirectory) {
        let nginx = try await Nginx()
        let logs = try TempDirectory("logs")
        var slateImage: String?
        if redSlate {
            slateImage = "\(logs.path)/slate.png"
            try FFmpeg.run(["-f", "lavfi", "-i", "color=c=red:s=320x240", "-frames:v", "1", slateImage!])
        }
        let h = try await GatewayHarness(
            routes: gapRoute(source: nginx.publishURL("src", "cam"), profile: profile, window: window)
                + (slateImage.map { "\n    slate_image: \"\($0)\"\n" } ?? ""),
            sellers: [.init(name: "cam", width: 640, height: 360)], nginx: nginx)
        guard await h.hlsFlows("out", segments: 3) else {
            h.stop()
            throw TestFailure("no HLS from the relay; log:\n\(h.log)")
        }
        return (h, logs)
    }

    func gapRoute(source: String, profile: String, window: String) -> String {
        """
        routes:
          gap:
            channel: out
            source:
              type: pull
              url: "\(source)"
              read_timeout: 1s
              open_timeout: 20s
            profile: \(profile)
            reconnect_window: \(window)
            source_retries: 10
            outputs: [nginx]
        """
    }

    /// The average colour (RGB) of the middle of the first picture at or after `time` (s).
    func centreColour(_ url: String, at time: Double, in directory: TempDirectory) throws -> (Int, Int, Int) {
        let file = "\(directory.path)/centre.ppm"
        try FFmpeg.run([
            "-i", url, "-map", "0:v", "-vf", "select=gte(t\\,\(time)),crop=64:64,scale=1:1", "-frames:v", "1",
            "-pix_fmt", "rgb24", file,
        ])
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)).suffix(3))
        guard bytes.count == 3 else { throw TestFailure("no picture at \(time) s") }
        return (Int(bytes[0]), Int(bytes[1]), Int(bytes[2]))
    }

    /// Decode timestamps (s) of the packets of stream kind `v` or `a`, in file order.
    func decodeTimes(_ url: String, kind: String) throws -> [Double] {
        let result = try runProgram(
            "/usr/bin/ffprobe",
            ["-v", "error", "-select_streams", kind, "-show_entries", "packet=dts_time", "-of", "csv=p=0", url])
        guard result.status == 0 else { throw TestFailure("ffprobe \(url): \(result.stderr)") }
        return result.stdout.split(separator: "\n").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// What ffmpeg's `silencedetect` or `freezedetect` (`filter`) found in stream `v` or `a`:
    /// stretches of `event` (`silence`, `freeze`) with where they start and end (s).
    func detected(_ url: String, filter: String, event: String, stream: String) throws -> [(
        start: Double, end: Double, duration: Double
    )] {
        let result = try runProgram(
            "/usr/bin/ffmpeg",
            ["-hide_banner", "-nostdin", "-nostats", "-i", url, "-map", "0:\(stream)", "-\(stream)f", filter, "-f", "null", "-"])
        guard result.status == 0 else { throw TestFailure("ffmpeg \(filter) \(url): \(result.stderr)") }
        var starts: [Double] = []
        var stretches: [(start: Double, end: Double, duration: Double)] = []
        for line in result.stderr.split(separator: "\n") {
            if let range = line.range(of: "\(event)_start: ") {
                starts.append(Double(line[range.upperBound...].trimmingCharacters(in: .whitespaces)) ?? 0)
            } else if let range = line.range(of: "\(event)_end: ") {
                let fields = line[range.upperBound...].split(separator: "|")
                let end = Double(fields[0].trimmingCharacters(in: .whitespaces)) ?? 0
                stretches.append((starts.last ?? 0, end, end - (starts.last ?? 0)))
            }
        }
        return stretches
    }
}
