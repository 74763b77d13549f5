import Foundation
import Testing
import TestSupport

/// End to end with real peers: ffmpeg publishes the "seller" to nginx-rtmp, relaygate
/// pulls it and pushes it back to nginx under another name, nginx makes HLS, ffprobe judges.
@Suite(.serialized)
struct PassthroughRelayTests {
    @Test func configuredRouteRelaysToHLSAndStopsCleanlyOnSIGTERM() async throws {
        let nginx = try await Nginx()
        let logs = try TempDirectory("logs")
        let publisher = try FFmpeg.publish(
            to: nginx.publishURL("src", "cam1"), width: 640, height: 360, fps: 25, logDirectory: logs.path, name: "pub")
        defer { publisher.signal(SIGKILL) }
        try await Task.sleep(for: .seconds(1))
        let gateway = try Gateway(nginx: nginx, routes: "routes:\n" + pullRoute("cam", source: "cam1", channel: "out1", nginx: nginx))

        let started = await eventually(timeout: .seconds(20)) { nginx.segments("out1").count >= 2 }
        #expect(started, "no HLS from the relay; gateway log:\n\(gateway.log)")
        let early = nginx.segments("out1")
        try await Task.sleep(for: .seconds(10))
        let later = nginx.segments("out1")
        // 1 s fragments over 10 s of relaying: new segments kept arriving.
        #expect(later.count >= early.count + 6, "segments \(early.count) → \(later.count)")
        #expect(Set(later).isSuperset(of: early))

        let streams = try FFprobe.streams(nginx.playlistURL("out1"))
        let video = try #require(streams.first { $0.codecType == "video" })
        let audio = try #require(streams.first { $0.codecType == "audio" })
        #expect(video.codecName == "h264")
        #expect(video.width == 640 && video.height == 360)
        #expect(abs((video.frameRate ?? 0) - 25) < 0.5, "frame rate \(String(describing: video.frameRate))")
        #expect(audio.codecName == "aac")
        #expect(audio.sampleRate == 48000)

        // The periodic stats line reports the relay's numbers.
        #expect(gateway.log.contains("relay stats state=active"))

        gateway.child.signal(SIGTERM)
        let status = await gateway.child.wait(timeout: .seconds(20))
        #expect(status == 0, "exit status \(String(describing: status)); log:\n\(gateway.log)")
        let sessions = nginx.publishSessions("out1")
        #expect(!sessions.isEmpty)
        #expect(sessions.allSatisfy { $0.clean }, "RTMP sessions not closed cleanly: \(sessions)\n\(nginx.errorLog)")

        // After the stop, no new segments.
        try await Task.sleep(for: .seconds(3))
        let settled = nginx.segments("out1")
        try await Task.sleep(for: .seconds(3))
        #expect(nginx.segments("out1") == settled)
    }

    @Test func threeRelaysStayIndependentWhenOneWorkerIsKilled() async throws {
        let nginx = try await Nginx()
        let logs = try TempDirectory("logs")
        let sources = [("a", 320, 240, 25), ("b", 480, 270, 30), ("c", 640, 360, 25)]
        var publishers: [ChildProcess] = []
        defer { publishers.forEach { $0.signal(SIGKILL) } }
        for (name, width, height, fps) in sources {
            publishers.append(
                try FFmpeg.publish(
                    to: nginx.publishURL("src", name), width: width, height: height, fps: fps, logDirectory: logs.path,
                    name: "pub-\(name)"))
        }
        try await Task.sleep(for: .seconds(1))
        let routes = sources.map { pullRoute("route-\($0.0)", source: $0.0, channel: "out-\($0.0)", nginx: nginx) }
        let gateway = try Gateway(nginx: nginx, routes: "routes:\n" + routes.joined())
        defer { gateway.child.signal(SIGKILL) }

        let allUp = await eventually(timeout: .seconds(25)) {
            sources.allSatisfy { nginx.segments("out-\($0.0)").count >= 2 }
        }
        #expect(allUp, "not every relay produced HLS; log:\n\(gateway.log)")
        for (name, width, height, fps) in sources {
            let video = try #require(try FFprobe.streams(nginx.playlistURL("out-\(name)")).first { $0.codecType == "video" })
            #expect(video.width == width && video.height == height, "out-\(name): \(video)")
            #expect(abs((video.frameRate ?? 0) - Double(fps)) < 0.5, "out-\(name): \(video)")
        }

        let victim = try #require(gateway.workers.first { $0.cmdline.contains("--relay route-b/out-b") })
        let before = ["a", "c"].map { nginx.publishedMilliseconds("out-\($0)") ?? 0 }
        let sessionsBefore = ["a", "c"].map { nginx.publishSessions("out-\($0)").count }
        let killedAt = ContinuousClock.now
        kill(victim.pid, SIGKILL)

        // The supervisor notices at once and says so.
        let noticed = await eventually(timeout: .seconds(2), every: .milliseconds(50)) {
            gateway.log.contains("relay worker died unexpectedly (killed by signal 9)")
        }
        #expect(noticed, "death not reported; log:\n\(gateway.log)")
        #expect(ContinuousClock.now - killedAt < .seconds(2))

        try await Task.sleep(for: .seconds(5))
        // The other two kept their single RTMP session to nginx and kept streaming.
        for (i, name) in ["a", "c"].enumerated() {
            let after = nginx.publishedMilliseconds("out-\(name)") ?? 0
            #expect(after >= before[i] + 4500, "out-\(name) publish time \(before[i]) → \(after)")
            #expect(nginx.publishSessions("out-\(name)").count == sessionsBefore[i], "out-\(name) reconnected")
        }
        // And the killed relay was restarted and publishes again.
        let back = await eventually(timeout: .seconds(15)) { nginx.publishSessions("out-b").count >= 2 }
        #expect(back, "relay b did not come back; log:\n\(gateway.log)")
    }
}
