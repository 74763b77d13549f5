import Foundation
import Testing
import TestSupport

/// rtmps:// outputs verify the server before the stream key goes out: the certificate chain
/// (against the system CA store, or `ca_file`) and the host name. The server is nginx-rtmp
/// behind nginx's TLS (stream module), with a CA and certificates the openssl CLI makes for
/// each test: front 0 is valid for 127.0.0.1 and localhost, front 1 only for another name.
@Suite(.serialized)
struct RTMPSVerifyTests {
    static let trustedFront = 0
    static let otherNameFront = 1

    static func tlsNginx() async throws -> (ca: TestCertificateAuthority, nginx: Nginx) {
        let ca = try TestCertificateAuthority()
        let local = try ca.issue("local", for: ["127.0.0.1", "localhost"])
        let elsewhere = try ca.issue("elsewhere", for: ["media.example.net"])
        return (ca, try await Nginx(tlsFronts: [local, elsewhere]))
    }

    static func clip(_ seconds: Int) throws -> (TempDirectory, String) {
        let media = try TempDirectory("media")
        let path = media.file("clip.flv")
        try FFmpeg.generate(path, seconds: seconds, width: 320, height: 240, fps: 25, gopFrames: 25)
        return (media, path)
    }

    @Test func aPushWithTheCAFileArrivesWithItsStreams() async throws {
        let (ca, nginx) = try await Self.tlsNginx()
        let (media, clip) = try Self.clip(3)
        defer { withExtendedLifetime(media) {} }
        // By address and by name: both are in the certificate.
        let byAddress = nginx.secureURL("live", "byaddress")
        let byName = nginx.secureURL("live", "byname", host: "localhost")
        let result = try runProgram(RelaygateBinary.path, ["relay", clip, byAddress, byName, "--ca-file", ca.certificate])
        #expect(result.status == 0, "\(result.stderr)")

        for name in ["byaddress", "byname"] {
            let streams = try FFprobe.streams(try await nginx.recording(name))
            #expect(streams.map(\.codecName).sorted() == ["aac", "h264"], "\(name): \(streams)")
            let video = try #require(streams.first { $0.codecType == "video" })
            #expect(video.width == 320 && video.height == 240)
        }
        #expect(!result.stderr.contains("byaddress") && !result.stderr.contains("byname"), "a stream key reached the log")
    }

    /// A server the output cannot verify, and what the refusal must say.
    struct Refusal: Sendable, CustomTestStringConvertible {
        var front: Int
        var withCAFile: Bool
        var reason: String
        var key: String
        var testDescription: String { reason }
    }

    static let refusals = [
        // The test CA is in no system store: without `ca_file` the chain does not verify.
        Refusal(
            front: trustedFront, withCAFile: false,
            reason: "the server's certificate did not verify against the system CA store", key: "SECRETKEY1"),
        // Signed by the trusted CA, but for another name.
        Refusal(
            front: otherNameFront, withCAFile: true,
            reason: "the server's certificate is not valid for the host name in the URL", key: "SECRETKEY2"),
    ]

    /// Refused before publishing (the server never sees the key), with an error that says
    /// why and shows the key nowhere.
    @Test(arguments: refusals)
    func anUnverifiedServerIsRefusedSayingWhy(_ refusal: Refusal) async throws {
        let (ca, nginx) = try await Self.tlsNginx()
        let (media, clip) = try Self.clip(2)
        defer { withExtendedLifetime(media) {} }
        let url = nginx.secureURL("live", refusal.key, front: refusal.front)
        let result = try runProgram(
            RelaygateBinary.path, ["relay", clip, url] + (refusal.withCAFile ? ["--ca-file", ca.certificate] : []))
        #expect(result.status == 1, "\(result.stderr)")
        let failure = try #require(Self.outputFailure(result.stderr), "\(result.stderr)")
        #expect(failure.contains(refusal.reason), "\(failure)")
        #expect(failure.contains("rtmps://127.0.0.1:\(nginx.tlsPorts[refusal.front])/live/***"), "\(failure)")
        #expect(!result.stderr.contains(refusal.key))
        #expect(nginx.publishSessions(refusal.key).isEmpty, "the server saw a publish:\n\(nginx.errorLog)")
    }

    /// In the gateway, three rtmps outputs of one relay open at once in one worker; each gets
    /// its own verdict (the failure text is collected per opening thread), as the API shows.
    @Test func eachOutputOfARelayGetsItsOwnVerdict() async throws {
        let (ca, nginx) = try await Self.tlsNginx()
        let platforms = """
            platforms:
              trusted:
                type: rtmp
                url: "\(nginx.secureURL("live", "{channel}"))"
                ca_file: \(ca.certificate)
              system:
                type: rtmp
                url: "\(nginx.secureURL("live", "SECRETKEY3"))"
                fail_fast_attempts: 1
              othername:
                type: rtmp
                url: "\(nginx.secureURL("live", "SECRETKEY4", front: Self.otherNameFront))"
                ca_file: \(ca.certificate)
                fail_fast_attempts: 1
            routes:
              r:
                channel: ch
                source: { type: pull, url: "\(nginx.publishURL("src", "cam"))" }
                outputs: [trusted, system, othername]

            """
        let h = try await GatewayHarness(routes: platforms, sellers: [.cam], api: true, nginx: nginx)
        defer { h.stop() }

        let settled = try await eventually(timeout: .seconds(30)) {
            let outputs = try await OutputFailureTests.outputs(h)
            return outputs["system"]?["state"] as? String == "failed" && outputs["othername"]?["state"] as? String == "failed"
        }
        #expect(settled, "log:\n\(h.log)")
        #expect(await h.hlsFlows("ch"), "no HLS through the trusted output; log:\n\(h.log)")
        // The API shows the worker's last stats report, which may predate the HLS seen above.
        let trustedActive = try await eventually(timeout: .seconds(30)) {
            try await OutputFailureTests.outputs(h)["trusted"]?["state"] as? String == "active"
        }
        let outputs = try await OutputFailureTests.outputs(h)
        #expect(trustedActive, "\(outputs)")
        let system = outputs["system"]?["lastError"] as? String ?? ""
        let otherName = outputs["othername"]?["lastError"] as? String ?? ""
        #expect(system.contains("did not verify against the system CA store"), "\(system)")
        #expect(otherName.contains("not valid for the host name"), "\(otherName)")
        for text in [system, otherName, h.log] {
            #expect(!text.contains("SECRETKEY3") && !text.contains("SECRETKEY4"), "a stream key leaked: \(text)")
        }
    }

    /// The line in which the relay reports its output's failure.
    static func outputFailure(_ stderr: String) -> String? {
        stderr.split(separator: "\n").first { $0.contains("output failed:") }.map(String.init)
    }
}
