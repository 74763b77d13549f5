import Foundation
import Testing
import TestSupport

/// Publishers that behave differently, from an independent RTMP client (the test
/// publisher, which shares no code with relaygate's server): handshakes, chunk layouts,
/// metadata late or never, wrapping timestamps, wrong keys, a second publisher on a key.
@Suite(.serialized)
struct IngestClientTests {
    struct Habit: Sendable, CustomTestStringConvertible {
        var name: String
        var options: RTMPTestPublisherOptions
        var media: RTMPTestPublisherMediaOptions
        var testDescription: String { name }
    }

    static let habits = [
        Habit(
            name: "digest handshake, 4096-byte chunks, metadata 2 s late, audio and video on their own chunk streams",
            options: .init(handshake: .digest, chunkSize: 4096), media: .init(metadata: .late(afterSeconds: 2), chunkStreams: .separate)),
        Habit(
            name: "plain handshake, 128-byte chunks interleaved across chunk streams, no metadata",
            options: .init(chunkSize: 128), media: .init(metadata: .never, chunkStreams: .interleaved)),
        Habit(
            name: "60000-byte chunks, timestamps starting 2 s before the 32-bit wrap (extended timestamps)",
            options: .init(chunkSize: 60000), media: .init(timestampOffset: UInt32.max - 1999)),
    ]

    /// Publishes `clip` with the test publisher on a thread of its own, then unpublishes.
    static func publish(
        _ flv: RTMPTestPublisherFLV, to url: String, options: RTMPTestPublisherOptions = .init(),
        media: RTMPTestPublisherMediaOptions = .init()
    ) async throws -> (RTMPTestPublisher, RTMPTestPublisherOutcome) {
        try await RTMPTestPublisherThread.run {
            let publisher = try RTMPTestPublisher(url, options: options)
            let outcome = try publisher.publish()
            if outcome == .started {
                try publisher.send(flv, media)
                try publisher.unpublish()
            }
            return (publisher, outcome)
        }
    }

    @Test(arguments: habits)
    func everyPictureArrives(habit: Habit) async throws {
        let harness = try await GatewayHarness(
            routes: "routes:\n"
                + ingestRoute("cam", channel: "cam", source: "{ type: rtmp, key: camkey }", extra: "    reconnect_window: 0s\n"),
            ingest: true)
        defer { harness.stop() }
        let path = try harness.clip("clip", seconds: 4)
        let flv = try RTMPTestPublisherFLV(path: path)

        let (publisher, outcome) = try await Self.publish(flv, to: harness.url("live", "camkey"), options: habit.options, media: habit.media)
        #expect(outcome == .started, "\(publisher.replies)\nlog:\n\(harness.log)")
        #expect(publisher.replies.first?.code == "NetConnection.Connect.Success")
        #expect(publisher.serverChunkSize == 4096)

        let recording = try await harness.nginx.recording("cam")
        let sent = try videoFrameHashes(path)
        let received = try videoFrameHashes(recording)
        #expect(received == sent, "received \(received.count) of \(sent.count) pictures; log:\n\(harness.log)")
        let audio = try FFprobe.streams(recording).first { $0.codecType == "audio" }
        #expect(audio?.codecName == "aac" && audio?.sampleRate == 48000, "\(String(describing: audio))")
    }

    /// An unknown key is refused with the status encoders show as a bad key, and the
    /// connection closed; the key never reaches the log. A second publisher on a live key
    /// is refused the same way (nginx-rtmp's answer), and the first goes on undisturbed.
    @Test func wrongKeysAndSecondPublishersAreRefused() async throws {
        let harness = try await GatewayHarness(
            routes: "routes:\n" + ingestRoute("cam", channel: "cam", source: "{ type: rtmp, key: goodkey }"), api: true, ingest: true)
        defer { harness.stop() }
        let flv = try RTMPTestPublisherFLV(path: try harness.clip("clip", seconds: 2))

        let wrong = "wrong-\(UUID().uuidString)"
        let (stranger, refused) = try await Self.publish(flv, to: harness.url("live", wrong))
        #expect(refused == .rejected(code: "NetStream.Publish.BadName", description: "unknown stream key"))
        #expect(try await RTMPTestPublisherThread.run { try stranger.waitForServerClose(timeout: .seconds(20)) })
        let (wrongApp, refusedApp) = try await Self.publish(flv, to: harness.url("other", "goodkey"))
        #expect(refusedApp == .rejected(code: "NetStream.Publish.BadName", description: "unknown stream key"), "\(wrongApp.replies)")

        let (first, run) = try await startPublishing(harness.url("live", "goodkey"), flv)
        defer { _ = try? run.stop() }
        let flowing = await eventually(timeout: .seconds(30)) { harness.nginx.segments("cam").count >= 2 }
        #expect(flowing, "log:\n\(harness.log)")

        let (second, busy) = try await Self.publish(flv, to: harness.url("live", "goodkey"))
        #expect(busy == .rejected(code: "NetStream.Publish.BadName", description: "Already publishing"))
        #expect(try await RTMPTestPublisherThread.run { try second.waitForServerClose(timeout: .seconds(20)) })
        #expect(await harness.hlsKeepsComing("cam"), "the first publisher's stream stopped")
        #expect(!first.serverClosed && run.error == nil, "\(String(describing: run.error))")
        #expect(harness.nginx.publishSessions("cam").count == 1)
        let ingest = try #require(try await harness.api.existingRelay("cam")["ingest"] as? [String: Any])
        #expect(ingest["refused"] as? Int == 1 && ingest["state"] as? String == "publishing", "\(ingest)")
        #expect(!harness.log.contains(wrong) && !harness.log.contains("goodkey"), "a key reached the log")
        #expect(harness.log.contains("publish refused: unknown stream key"))
        #expect(harness.log.contains("publish refused: the stream key is already publishing"))
    }

    /// With `takeover`, a second publisher replaces the first, which is disconnected; the
    /// relay bridges the switch and its output stays one session at nginx.
    @Test func takeoverReplacesThePublisher() async throws {
        let harness = try await GatewayHarness(
            routes: "routes:\n" + ingestRoute("cam", channel: "cam", source: "{ type: rtmp, key: k, takeover: true }"), api: true, ingest: true)
        defer { harness.stop() }
        let flv = try RTMPTestPublisherFLV(path: try harness.clip("clip", seconds: 2))

        let (first, firstRun) = try await startPublishing(harness.url("live", "k"), flv)
        defer { _ = try? firstRun.stop() }
        #expect(await eventually(timeout: .seconds(30)) { harness.nginx.segments("cam").count >= 2 }, "\(harness.log)")

        let (_, secondRun) = try await startPublishing(harness.url("live", "k"), flv, encoder: "FMLE/3.0 (compatible; second)")
        defer { _ = try? secondRun.stop() }
        #expect(try await RTMPTestPublisherThread.run { try first.waitForServerClose(timeout: .seconds(20)) })

        let switched = await eventually(timeout: .seconds(20)) {
            let ingest = (try? await harness.api.relay("cam"))?["ingest"] as? [String: Any]
            let publisher = ingest?["publisher"] as? [String: Any]
            return (publisher?["encoder"] as? String)?.contains("second") == true
        }
        #expect(switched)
        #expect(await harness.hlsKeepsComing("cam"), "the stream stopped after the takeover")
        #expect(harness.nginx.publishSessions("cam").count == 1, "the output reconnected")
        let active = await eventually(timeout: .seconds(20)) {
            (try? await harness.api.relay("cam"))?["state"] as? String == "active"
        }
        #expect(active, "\(harness.log)")
    }
}
