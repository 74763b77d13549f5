import Foundation
import Testing
import TestSupport

/// The RTMP ingest end to end: the ffmpeg CLI publishes to `relaygate run`, whose relays
/// pass the streams through to a real nginx-rtmp; ffprobe and ffmpeg judge what nginx made
/// of them.
@Suite(.serialized)
struct IngestRelayTests {
    /// ffmpeg publishes with the chunk size the server announces (it echoes Set Chunk Size),
    /// so `chunk_size` varies what relaygate has to reassemble: 128-byte chunks split every
    /// frame, 64 KiB ones carry most frames whole.
    @Test(arguments: [128, 4096, 65536])
    func ffmpegPublisherIsPassedThroughUnchanged(chunkSize: Int) async throws {
        let key = "studio-\(UUID().uuidString)"
        let harness = try await GatewayHarness(
            routes: "routes:\n"
                + ingestRoute(
                    "studio", channel: "studio", source: "{ type: rtmp, key: \"\(key)\" }", extra: "    reconnect_window: 0s\n"),
            ingest: true, ingestSettings: "chunk_size: \(chunkSize)")
        defer { harness.stop() }
        let source = try harness.clip("source", seconds: 8)

        let pusher = try harness.push(source, to: harness.url("live", key))
        let status = await pusher.wait(timeout: .seconds(30))
        #expect(status == 0, "ffmpeg publisher: \(pusher.stderr)\ngateway:\n\(harness.log)")

        let recording = try await harness.nginx.recording("studio")
        let probed = try FFprobe.streams(recording)
        let sent = try FFprobe.streams(source)
        let video = try #require(probed.first { $0.codecType == "video" })
        let audio = try #require(probed.first { $0.codecType == "audio" })
        let sentAudio = try #require(sent.first { $0.codecType == "audio" })
        #expect(video.codecName == "h264" && video.width == 640 && video.height == 360, "\(video)")
        #expect(abs((video.frameRate ?? 0) - 25) < 0.5, "\(video)")
        #expect(audio.codecName == "aac" && audio.sampleRate == 48000 && audio.channels == sentAudio.channels, "\(audio)")

        // Passed through: every picture nginx received decodes to exactly the source's.
        let sentPictures = try videoFrameHashes(source)
        let receivedPictures = try videoFrameHashes(recording)
        #expect(sentPictures.count == 200)
        let firstDifference = zip(receivedPictures, sentPictures).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        #expect(
            receivedPictures == sentPictures,
            "received \(receivedPictures.count) of \(sentPictures.count) pictures; first difference at \(String(describing: firstDifference))")
        #expect(!harness.log.contains(key), "the stream key reached the log")
        #expect(harness.log.contains("publishing"), "\(harness.log)")
    }

    /// RTMPS on its own port: ffmpeg publishes over TLS (a certificate made for the test), the
    /// API tells the rtmps:// URL, and the stream arrives as over plain RTMP.
    @Test func ffmpegPublishesOverRTMPS() async throws {
        let tlsPort = FreePort.next()
        let certificates = try TempDirectory("tls")
        let made = try runProgram(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                "-keyout", certificates.file("key.pem"), "-out", certificates.file("cert.pem"),
            ])
        try #require(made.status == 0, "\(made.stderr)")
        let harness = try await GatewayHarness(
            routes: "routes:\n"
                + ingestRoute("studio", channel: "studio", source: "{ type: rtmp, key: tlskey }", extra: "    reconnect_window: 0s\n"),
            api: true, ingest: true,
            ingestSettings: """
                rtmps:
                  listen: 127.0.0.1:\(tlsPort)
                  certificate: \(certificates.file("cert.pem"))
                  private_key: \(certificates.file("key.pem"))
                """)
        defer { harness.stop() }
        let listening = await eventually(timeout: .seconds(20)) { FreePort.isListening(tlsPort) }
        try #require(listening, "\(harness.log)")
        let ingest = try #require(try await harness.api.existingRelay("studio")["ingest"] as? [String: Any])
        #expect(ingest["secureUrl"] as? String == "rtmps://127.0.0.1:\(tlsPort)/live/tlskey", "\(ingest)")

        let source = try harness.clip("source", seconds: 4)
        let pusher = try harness.push(source, to: "rtmps://127.0.0.1:\(tlsPort)/live/tlskey")
        let status = await pusher.wait(timeout: .seconds(30))
        #expect(status == 0, "ffmpeg over RTMPS: \(pusher.stderr)\ngateway:\n\(harness.log)")
        let received = try videoFrameHashes(try await harness.nginx.recording("studio"))
        #expect(received == (try videoFrameHashes(source)), "received \(received.count) pictures")

        // Plain bytes on the TLS port are a failed TLS handshake: that connection only is closed.
        let closed = try await RTMPTestPublisherThread.run { () -> Bool in
            let connection = try RTMPTestPublisherRawConnection(port: tlsPort)
            try? connection.send([3] + [UInt8](repeating: 0, count: 1536))
            return try connection.waitForClose(timeout: .seconds(20))
        }
        #expect(closed && harness.child.isRunning)
    }

    /// Twenty publishers on the one ingest port, each with the random key of its own relay
    /// (started through the API, which tells the key): each stream reaches its own output.
    @Test func twentyPublishersOnOnePortEachReachTheirOwnRelay() async throws {
        let harness = try await GatewayHarness(
            routes: "routes:\n" + ingestRoute("cams", match: "cam{n}", source: "{ type: rtmp }"), api: true, ingest: true)
        defer { harness.stop() }
        let count = 20
        // A different picture width per publisher tells the streams apart at nginx.
        let widths = (0..<count).map { 160 + 16 * $0 }
        var urls: [String] = []
        for index in 0..<count {
            let relay = try await harness.api.start("cam\(index)")
            let ingest = try #require(relay["ingest"] as? [String: Any], "\(relay)")
            let url = try #require(ingest["url"] as? String)
            #expect(url.hasPrefix(harness.url("live", "")))
            #expect(ingest["state"] as? String == "waiting")
            urls.append(url)
        }
        #expect(Set(urls.map { $0.split(separator: "/").last! }).count == count, "keys are not unique: \(urls)")
        var pushers: [ChildProcess] = []
        defer { pushers.forEach { $0.signal(SIGKILL) } }
        for index in 0..<count {
            let clip = try harness.clip("cam\(index)", seconds: 2, width: widths[index], height: 120, fps: 15)
            pushers.append(try harness.push(clip, to: urls[index], loop: true, name: "cam\(index)"))
        }

        let flowing = await eventually(timeout: .seconds(60), every: .seconds(1)) {
            (0..<count).allSatisfy { harness.nginx.segments("cam\($0)").count >= 3 }
        }
        #expect(flowing, "not every stream reached nginx; log:\n\(harness.log.suffix(4000))")
        for index in 0..<count {
            let segments = harness.nginx.segments("cam\(index)").dropLast().suffix(2).map { "\(harness.nginx.prefix.path)/hls/\($0)" }
            let video = try #require(try FFprobe.streams("concat:" + segments.joined(separator: "|")).first { $0.codecType == "video" })
            #expect(video.width == widths[index] && video.height == 120, "cam\(index) got \(video)")
            let relay = try await harness.api.existingRelay("cam\(index)")
            let ingest = try #require(relay["ingest"] as? [String: Any])
            let publisher = try #require(ingest["publisher"] as? [String: Any], "cam\(index): \(ingest)")
            #expect(ingest["state"] as? String == "publishing")
            #expect((publisher["address"] as? String ?? "").hasPrefix("127.0.0.1:"))
            #expect((publisher["encoder"] as? String ?? "").contains("Lavf"), "\(publisher)")
            #expect((publisher["bytesIn"] as? Int ?? 0) > 10_000 && (publisher["bitrateKbps"] as? Double ?? 0) > 0, "\(publisher)")
            #expect(relay["state"] as? String == "active", "cam\(index): \(relay)")
        }
        let metrics = try await harness.api.get("/metrics").text
        #expect(metrics.contains("relaygate_ingest_publishers 20"), "\(metrics)")
        #expect(metrics.contains("relaygate_ingest_publishing{route=\"cams\",channel=\"cam7\"} 1") || metrics.contains("relaygate_ingest_publishing{channel=\"cam7\",route=\"cams\"} 1"), "\(metrics)")
        #expect(metrics.contains("relaygate_ingest_publisher_uptime_seconds{"), "\(metrics)")
        #expect(!urls.contains { harness.log.contains(String($0.split(separator: "/").last!)) }, "a key reached the log")
    }
}
