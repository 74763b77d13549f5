import Foundation
import Testing
import TestSupport

/// Publishers come and go, workers die, the gateway restarts: what the outputs, the API
/// and PostgreSQL show meanwhile.
@Suite(.serialized)
struct IngestLifecycleTests {
    static func state(_ harness: GatewayHarness, _ channel: String) async -> (relay: String?, ingest: String?) {
        await harness.states(channel)
    }

    /// Within the reconnect window a returning publisher continues the same output session;
    /// a static relay whose publisher stays away longer closes its outputs and waits for the
    /// next one on the same key.
    @Test func aStaticRelayBridgesAShortAbsenceAndWaitsOutALongOne() async throws {
        let harness = try await GatewayHarness(
            routes: "routes:\n"
                + ingestRoute("cam", channel: "cam", source: "{ type: rtmp, key: k }", extra: "    reconnect_window: 4s\n"),
            api: true, ingest: true)
        defer { harness.stop() }
        let flv = try RTMPTestPublisherFLV(path: try harness.clip("clip", seconds: 2))

        let (first, firstRun) = try await startPublishing(harness.url("live", "k"), flv)
        #expect(await eventually(timeout: .seconds(30)) { harness.nginx.segments("cam").count >= 2 }, "\(harness.log)")
        _ = try? await firstRun.stop()
        first.disconnect(abrupt: true)
        // The absence is real (the relay bridges it), and shorter than the window.
        let bridging = await eventually(timeout: .seconds(20), every: .milliseconds(50)) {
            await Self.state(harness, "cam") == ("reconnecting", "waiting")
        }
        let seen = await Self.state(harness, "cam")
        #expect(bridging, "\(seen)")

        let (second, secondRun) = try await startPublishing(harness.url("live", "k"), flv)
        let resumed = await eventually(timeout: .seconds(20)) { await Self.state(harness, "cam") == ("active", "publishing") }
        #expect(resumed)
        #expect(await harness.hlsKeepsComing("cam"), "no HLS after the publisher returned")
        #expect(harness.nginx.publishSessions("cam").count == 1, "the output reconnected for a short absence")

        _ = try? await secondRun.stop()
        second.disconnect(abrupt: true)
        // Gone longer than the window: the output session ends, the relay waits.
        let closed = await eventually(timeout: .seconds(30)) { harness.nginx.publishSessions("cam").allSatisfy(\.ended) }
        #expect(closed, "\(harness.log)")
        let waiting = await eventually(timeout: .seconds(20)) { await Self.state(harness, "cam").ingest == "waiting" }
        #expect(waiting && harness.log.contains("waiting for the next one"))

        let (_, thirdRun) = try await startPublishing(harness.url("live", "k"), flv)
        defer { _ = try? thirdRun.stop() }
        let back = await eventually(timeout: .seconds(30)) {
            harness.nginx.publishSessions("cam").count == 2 && !harness.nginx.publishSessions("cam").last!.ended
        }
        #expect(back, "\(harness.log)")
        let active = await eventually(timeout: .seconds(20)) { await Self.state(harness, "cam") == ("active", "publishing") }
        #expect(active)
    }

    /// A relay started by request (a seller) ends when its publisher stays away for the window.
    @Test func aRequestedRelayEndsWhenItsPublisherStaysAway() async throws {
        let harness = try await GatewayHarness(
            routes: "routes:\n"
                + ingestRoute("sellers", match: "seller_{id}", source: "{ type: rtmp }", extra: "    reconnect_window: 2s\n"),
            api: true, ingest: true)
        defer { harness.stop() }
        let flv = try RTMPTestPublisherFLV(path: try harness.clip("clip", seconds: 2))
        _ = try await harness.api.start("seller_1")
        let (publisher, run) = try await startPublishing(try await harness.ingestURL("seller_1"), flv)
        #expect(await eventually(timeout: .seconds(30)) { harness.nginx.segments("seller_1").count >= 2 })
        _ = try? await run.stop()
        publisher.disconnect(abrupt: true)
        let gone = await eventually(timeout: .seconds(30)) {
            guard case .some(.none) = try? await harness.api.relay("seller_1") else { return false }
            return true
        }
        #expect(gone, "\(harness.log)")
        #expect(harness.log.contains("source-gone"))
        // Its key is no longer accepted.
        let retry = try RTMPTestPublisher(harness.url("live", "anything"))
        #expect(try await RTMPTestPublisherThread.run { try retry.publish() } != .started)
    }

    /// A worker killed mid-stream: the publisher stays connected (its connection is the
    /// supervisor's), the restarted worker gets the headers again and publishes anew.
    @Test func aKilledWorkerDoesNotDisconnectThePublisher() async throws {
        let harness = try await GatewayHarness(
            routes: "routes:\n" + ingestRoute("cam", channel: "cam", source: "{ type: rtmp, key: k }"), api: true, ingest: true)
        defer { harness.stop() }
        let flv = try RTMPTestPublisherFLV(path: try harness.clip("clip", seconds: 2))
        let (publisher, run) = try await startPublishing(harness.url("live", "k"), flv)
        defer { _ = try? run.stop() }
        #expect(await eventually(timeout: .seconds(30)) { harness.nginx.segments("cam").count >= 2 })

        let worker = try #require(harness.workers.first { $0.cmdline.contains("--relay cam/cam") })
        kill(worker.pid, SIGKILL)
        let republished = await eventually(timeout: .seconds(30)) {
            let sessions = harness.nginx.publishSessions("cam")
            return sessions.count == 2 && !sessions[1].ended
        }
        #expect(republished, "\(harness.log)")
        #expect(await harness.hlsKeepsComing("cam"), "no HLS from the new worker")
        #expect(!publisher.serverClosed && run.error == nil, "\(String(describing: run.error))")
        let relay = try await harness.api.existingRelay("cam")
        #expect(relay["restarts"] as? Int == 1 && relay["state"] as? String == "active", "\(relay)")
    }

    /// The gateway is killed and started again on the same database: the relay started
    /// through the API comes back on the same random key, so its publisher just reconnects.
    @Test func aResumedRelayKeepsItsStreamKey() async throws {
        let harness = try await GatewayHarness(
            routes: "routes:\n" + ingestRoute("sellers", match: "seller_{id}", source: "{ type: rtmp }"), database: true,
            api: true, ingest: true)
        defer { harness.stop() }
        let postgres = try #require(harness.postgres)
        let flv = try RTMPTestPublisherFLV(path: try harness.clip("clip", seconds: 2))
        _ = try await harness.api.start("seller_5")
        let url = try await harness.ingestURL("seller_5")
        let key = String(url.split(separator: "/").last!)
        #expect(key.count == 32 && key.allSatisfy(\.isHexDigit))
        let stored = await eventually(timeout: .seconds(20)) {
            (try? postgres.psql("SELECT ingest_key FROM relays WHERE channel = 'seller_5'")) == key
        }
        #expect(stored)

        harness.kill()
        let firstLog = harness.log
        try await harness.startAnother()
        let resumed = await eventually(timeout: .seconds(30)) { (try? await harness.ingestURL("seller_5")) == url }
        #expect(resumed, "\(harness.log)")
        let (_, run) = try await startPublishing(url, flv)
        defer { _ = try? run.stop() }
        #expect(await harness.hlsFlows("seller_5"), "\(harness.log)")
        #expect(!harness.log.contains(key) && !firstLog.contains(key), "the key reached the log")
    }
}
