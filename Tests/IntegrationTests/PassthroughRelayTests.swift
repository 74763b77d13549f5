import Foundation
import Testing
import TestSupport

/// End to end with real peers: ffmpeg publishes the "seller" to nginx-rtmp, relaygate
/// pulls it and pushes it back to nginx under another name, nginx makes HLS, ffprobe judges.
@Suite(.serialized)
struct PassthroughRelayTests {
    @Test func configuredRouteRelaysToHLSAndStopsCleanlyOnSIGTERM() async throws {
        let nginx = try await Nginx()
        let h = try await GatewayHarness(
            routes: "routes:\n" + pullRoute("cam", source: "cam1", channel: "out1", nginx: nginx),
            sellers: [.init(name: "cam1", width: 640, height: 360)], nginx: nginx)
        defer { h.stop() }

        #expect(await h.hlsFlows("out1"), "no HLS from the relay; gateway log:\n\(h.log)")
        let early = nginx.segments("out1")
        // New segments keep arriving (1 s fragments), and the early ones stay.
        #expect(await h.hlsKeepsComing("out1", count: 6), "segments \(early.count) → \(nginx.segments("out1").count)")
        #expect(Set(nginx.segments("out1")).isSuperset(of: early))

        let streams = try FFprobe.streams(nginx.playlistURL("out1"))
        let video = try #require(streams.first { $0.codecType == "video" })
        let audio = try #require(streams.first { $0.codecType == "audio" })
        #expect(video.codecName == "h264")
        #expect(video.width == 640 && video.height == 360)
        #expect(abs((video.frameRate ?? 0) - 25) < 0.5, "frame rate \(String(describing: video.frameRate))")
        #expect(audio.codecName == "aac")
        #expect(audio.sampleRate == 48000)

        // The periodic stats line reports the relay's numbers.
        #expect(h.log.contains("relay stats state=active"))

        let supervisor = h.child.pid
        let status = await h.terminate()
        #expect(status == 0, "exit status \(String(describing: status)); log:\n\(h.log)")
        let sessions = nginx.publishSessions("out1")
        #expect(!sessions.isEmpty)
        #expect(sessions.allSatisfy { $0.clean }, "RTMP sessions not closed cleanly: \(sessions)\n\(nginx.errorLog)")

        // After the stop nothing publishes any more: every session ended and no worker is left.
        #expect(sessions.allSatisfy { $0.ended }, "\(sessions)")
        #expect(processes(containing: "--supervisor-pid \(supervisor) ").isEmpty)
    }

    @Test func threeRelaysStayIndependentWhenOneWorkerIsKilled() async throws {
        let nginx = try await Nginx()
        let sources = [("a", 320, 240, 25), ("b", 480, 270, 30), ("c", 640, 360, 25)]
        let routes = sources.map { pullRoute("route-\($0.0)", source: $0.0, channel: "out-\($0.0)", nginx: nginx) }
        let h = try await GatewayHarness(
            routes: "routes:\n" + routes.joined(),
            sellers: sources.map { .init(name: $0.0, width: $0.1, height: $0.2, fps: $0.3) }, nginx: nginx)
        defer { h.stop() }

        let allUp = await eventually(timeout: .seconds(30)) {
            sources.allSatisfy { nginx.segments("out-\($0.0)").count >= 2 }
        }
        #expect(allUp, "not every relay produced HLS; log:\n\(h.log)")
        for (name, width, height, fps) in sources {
            let video = try #require(try FFprobe.streams(nginx.playlistURL("out-\(name)")).first { $0.codecType == "video" })
            #expect(video.width == width && video.height == height, "out-\(name): \(video)")
            #expect(abs((video.frameRate ?? 0) - Double(fps)) < 0.5, "out-\(name): \(video)")
        }

        let victim = try #require(h.workers.first { $0.cmdline.contains("--relay route-b/out-b") })
        let sessionsBefore = ["a", "c"].map { nginx.publishSessions("out-\($0)").count }
        kill(victim.pid, SIGKILL)

        // The supervisor notices and says so.
        let noticed = await eventually(timeout: .seconds(20), every: .milliseconds(50)) {
            h.log.contains("relay worker died unexpectedly (killed by signal 9)")
        }
        #expect(noticed, "death not reported; log:\n\(h.log)")

        // The killed relay is restarted and publishes again.
        let back = await eventually(timeout: .seconds(30)) { nginx.publishSessions("out-b").count >= 2 }
        #expect(back, "relay b did not come back; log:\n\(h.log)")
        // The other two kept streaming in their single RTMP session to nginx.
        let segments = ["a", "c"].map { nginx.segments("out-\($0)").count }
        let streamedOn = await eventually(timeout: .seconds(30), every: .milliseconds(200)) {
            ["a", "c"].enumerated().allSatisfy { nginx.segments("out-\($1)").count >= segments[$0] + 3 }
        }
        #expect(streamedOn, "out-a or out-c stalled")
        for (i, name) in ["a", "c"].enumerated() {
            #expect(nginx.publishSessions("out-\(name)").count == sessionsBefore[i], "out-\(name) reconnected")
            #expect(nginx.publishSessions("out-\(name)").allSatisfy { !$0.ended }, "out-\(name) ended")
        }
    }
}
