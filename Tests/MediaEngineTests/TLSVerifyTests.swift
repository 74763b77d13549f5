import Foundation
import MediaEngine
import RelayCore
import Synchronization
import Testing
import TestSupport

/// The muxer's rtmps verification against nginx's TLS in front of nginx-rtmp, with a CA and
/// certificates the openssl CLI makes for the test.
@Suite struct TLSVerifyTests {
    enum Case: CaseIterable {
        case trusted, untrusted, otherName
    }

    final class Verdicts: Sendable {
        let values = Mutex<[Int: String]>([:])
    }

    /// Outputs opening at the same moment on threads of their own, as a worker's outputs do,
    /// each get the verdict of their own connection: why an open failed is collected per
    /// thread from libav's log, so one output's reason never lands on another's error.
    @Test func concurrentOpensEachGetTheirOwnVerdict() async throws {
        _ = LogCapture.shared  // The libav log bridge, which the failure text comes through.
        let ca = try TestCertificateAuthority()
        let local = try ca.issue("local", for: ["127.0.0.1"])
        let elsewhere = try ca.issue("elsewhere", for: ["media.example.net"])
        let nginx = try await Nginx(tlsFronts: [local, elsewhere])
        let media = try TempDirectory("media")
        let clip = URL(fileURLWithPath: media.file("clip.flv"))
        try TestMedia.generate(clip, seconds: 1)
        let streams = try Demuxer(.file(clip.path), stop: StopSignal(), openTimeout: .seconds(5)).streams

        let opens = (0..<12).map { i in (i, Case.allCases[i % Case.allCases.count]) }
        let verdicts = Verdicts()
        let done = DispatchGroup()
        for (i, kind) in opens {
            done.enter()
            Thread {
                defer { done.leave() }
                let url = nginx.secureURL("live", "KEY\(i)", front: kind == .otherName ? 1 : 0)
                let trust: TLSTrust = kind == .untrusted ? .systemStore : .caFile(ca.certificate)
                let verdict: String
                do throws(AVError) {
                    let muxer = try Muxer(
                        .remote(url, allowedSchemes: ["rtmps"]), streams: streams, stop: StopSignal(),
                        connectTimeout: .seconds(20), writeTimeout: .seconds(20), trust: trust)
                    muxer.abort()
                    verdict = "opened"
                } catch {
                    verdict = error.description
                }
                verdicts.values.withLock { $0[i] = verdict }
            }.start()
        }
        #expect(done.wait(timeout: .now() + 120) == .success, "opens hung")

        let results = verdicts.values.withLock { $0 }
        for (i, kind) in opens {
            let verdict = results[i] ?? "no verdict"
            switch kind {
            case .trusted: #expect(verdict == "opened", "open \(i): \(verdict)")
            case .untrusted:
                #expect(verdict.contains("did not verify against the system CA store"), "open \(i): \(verdict)")
            case .otherName:
                #expect(verdict.contains("not valid for the host name"), "open \(i): \(verdict)")
            }
            #expect(!verdict.contains("KEY\(i)"), "open \(i) shows its stream key: \(verdict)")
        }
        withExtendedLifetime(media) {}
    }
}
