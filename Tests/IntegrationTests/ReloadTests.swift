import Foundation
import Testing
import TestSupport

/// A reload with five relays running: the three the new config leaves alone are not touched
/// at all, the changed one restarts, the removed one stops, the new one starts; an invalid
/// config changes nothing and says why (from `relaygate reload`, and from SIGHUP).
@Suite(.serialized)
struct ReloadTests {
    /// Routes `r<i>` → channel `c<i>`, all pulling the one seller from nginx's `src/cam`.
    static func routes(_ numbers: [Int], nginx: Nginx, changed: Int? = nil) -> String {
        var yaml = "profiles:\n  steady: { type: passthrough, max_jump: 2s }\nroutes:\n"
        for i in numbers {
            yaml += """
                  r\(i):
                    channel: c\(i)
                    source: { type: pull, url: "\(nginx.publishURL("src", "cam"))" }
                    profile: \(i == changed ? "steady" : "passthrough")
                    outputs: [nginx]

                """
        }
        return yaml
    }

    @Test func unchangedRelaysKeepTheirWorkerAndSessionAcrossAReload() async throws {
        let nginx = try await Nginx()
        let gateway = try await GatewayHarness(routes: Self.routes(Array(1...5), nginx: nginx), sellers: [.cam], nginx: nginx)
        defer { gateway.stop() }
        let up = await eventually(timeout: .seconds(30)) { (1...5).allSatisfy { nginx.segments("c\($0)").count >= 2 } }
        #expect(up, "not all five relays streamed; log:\n\(gateway.log)")

        func worker(_ i: Int) -> Int32? { gateway.workers.first { $0.cmdline.contains("--relay r\(i)/c\(i)") }?.pid }
        let pids = (1...5).map(worker)
        #expect(pids.allSatisfy { $0 != nil })

        // Keep r1–r3, change r4's profile, drop r5, add r6.
        try gateway.writeRoutes(Self.routes([1, 2, 3, 4, 6], nginx: nginx, changed: 4))
        let reload = try gateway.reload()
        #expect(reload.status == 0 && reload.stdout.contains("is reloading"), "\(reload)")
        let applied = await eventually(timeout: .seconds(30), every: .milliseconds(100)) {
            nginx.segments("c6").count >= 2 && nginx.publishSessions("c4").count == 2
                && nginx.publishSessions("c5").allSatisfy(\.ended) && worker(4) != nil && worker(5) == nil
        }
        #expect(applied, "reload not applied; log:\n\(gateway.log)")
        #expect(gateway.log.contains("configuration reloaded: relays 3 unchanged, 1 restarted, 1 stopped, 1 started"))
        #expect(gateway.log.contains("relay changed; restarting it") && gateway.log.contains("removed from config"))

        // Let the untouched relays stream past the reload, then judge them.
        let segmentsAtReload = (1...3).map { nginx.segments("c\($0)").count }
        let streamedOn = await eventually(timeout: .seconds(30), every: .milliseconds(200)) {
            (1...3).allSatisfy { nginx.segments("c\($0)").count >= segmentsAtReload[$0 - 1] + 3 }
        }
        #expect(streamedOn, "an untouched relay stalled after the reload: \((1...3).map { nginx.segments("c\($0)").count })")
        for i in 1...3 {
            #expect(worker(i) == pids[i - 1], "r\(i) got a new worker")
            let sessions = nginx.publishSessions("c\(i)")
            #expect(sessions.count == 1 && !sessions[0].ended, "c\(i) publish sessions: \(sessions)")
            let gap = try Self.largestVideoGap(nginx, channel: "c\(i)")
            #expect(gap < 0.2, "c\(i) HLS has a \(gap) s hole across the reload")
        }
        #expect(worker(4) != pids[3], "the changed relay kept its worker")

        // An invalid config: everything keeps running, the errors are logged with positions.
        let running = (1...6).map(worker)
        try gateway.writeRoutes(Self.routes([1, 2, 3], nginx: nginx) + "  r7: { chanel: c7 }\n")
        let refused = try gateway.reload()
        #expect(refused.status == 1 && refused.stderr.contains("unknown key \"chanel\""), "\(refused)")
        #expect(refused.stderr.contains("not reloading"))
        // Signalled anyway, the gateway refuses it too.
        gateway.child.signal(SIGHUP)
        let rejected = await eventually(timeout: .seconds(20), every: .milliseconds(100)) { gateway.log.contains("reload rejected") }
        #expect(rejected, "log:\n\(gateway.log)")
        #expect(gateway.log.contains("30-routes.yaml:") && gateway.log.contains("unknown key \"chanel\""))
        // Rejected means nothing was applied: the same workers, every session still open.
        #expect(gateway.log.components(separatedBy: "configuration reloaded").count - 1 == 1, "\(gateway.log)")
        #expect((1...6).map(worker) == running, "an invalid reload changed the running relays")
        #expect([1, 2, 3, 4, 6].allSatisfy { nginx.publishSessions("c\($0)").last?.ended == false })
    }

    /// Largest hole (s) between consecutive video packets in every finished HLS segment.
    static func largestVideoGap(_ nginx: Nginx, channel: String) throws -> Double {
        let segments = nginx.segments(channel).dropLast().map { "\(nginx.prefix.path)/hls/\($0)" }
        let result = try runProgram(
            "/usr/bin/ffprobe",
            ["-v", "error", "-select_streams", "v", "-show_entries", "packet=dts_time", "-of", "csv=p=0",
             "concat:" + segments.joined(separator: "|")])
        // csv rows may carry a trailing field (side data): the time is the first one.
        let times = result.stdout.split(separator: "\n").compactMap { $0.split(separator: ",").first.flatMap { Double($0) } }
        guard times.count > 50 else { throw TestFailure("only \(times.count) video packets in \(channel)'s HLS") }
        return zip(times.dropFirst(), times).map { $0 - $1 }.max() ?? 0
    }
}
