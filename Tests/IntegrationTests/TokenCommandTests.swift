import Agora
import Foundation
import Testing
import TestSupport

/// `relaygate token` as an operator runs it: the token alone on stdout, problems on stderr
/// with exit 2, the certificate never shown.
@Suite struct TokenCommandTests {
    static let appID = "970CA35de60c44645bbae8a215061b33"
    static let appCertificate = "5CFd2fd1755d40ecb72977518be15d3b"

    static func token(_ arguments: [String], environment: [String: String] = [:]) throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        let directory = try TempDirectory("token")
        let child = try ChildProcess(
            RelaygateBinary.path, ["token"] + arguments, logDirectory: directory.path, name: "token",
            environment: environment)
        child.process.waitUntilExit()
        return (child.process.terminationStatus, child.stdout, child.stderr)
    }

    @Test func publisherTokenFromTheEnvironment() throws {
        let result = try Self.token(
            ["--channel", "shop-42", "--uid", "4242"],
            environment: ["AGORA_APP_ID": Self.appID, "AGORA_APP_CERTIFICATE": Self.appCertificate])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasSuffix("\n") && result.stdout.split(separator: "\n").count == 1)
        let parsed = try AccessToken2.parse(result.stdout.trimmingCharacters(in: .newlines))
        #expect(parsed.appID == Self.appID)
        #expect(parsed.expire == 3600)
        #expect(abs(Int64(parsed.issueTs) - Int64(Date().timeIntervalSince1970)) < 60)
        #expect(
            parsed.services == [
                .rtc(
                    channel: "shop-42", uid: "4242",
                    privileges: [.joinChannel: 3600, .publishAudio: 3600, .publishVideo: 3600, .publishData: 3600])
            ])
        #expect(parsed.verifies(appCertificate: Self.appCertificate))
        #expect(!result.stdout.contains(Self.appCertificate) && !result.stderr.contains(Self.appCertificate))
    }

    @Test func subscriberTokenFromOptions() throws {
        let result = try Self.token([
            "--channel", "shop-42", "--uid", "0", "--role", "subscriber", "--expire", "600",
            "--app-id", Self.appID, "--app-certificate", Self.appCertificate,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let parsed = try AccessToken2.parse(result.stdout.trimmingCharacters(in: .newlines))
        #expect(parsed.expire == 600)
        #expect(parsed.services == [.rtc(channel: "shop-42", uid: "", privileges: [.joinChannel: 600])])
        #expect(parsed.verifies(appCertificate: Self.appCertificate))
    }

    @Test func missingCertificateIsAClearError() throws {
        let result = try Self.token(
            ["--channel", "shop-42", "--uid", "1", "--app-id", Self.appID],
            environment: ["AGORA_APP_CERTIFICATE": ""])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(
            result.stderr
                == "relaygate token: no app certificate: give --app-certificate, set AGORA_APP_CERTIFICATE "
                + "or agora.app_certificate (with --config)\n")
    }

    @Test func appIDAndCertificateFromTheConfig() throws {
        let config = try TempDirectory("token-config")
        try config.write(
            "relaygate.yaml",
            """
            agora:
              app_id: "\(Self.appID)"
              app_certificate: "${AGORA_APP_CERTIFICATE}"
              customer_id: c
              customer_secret: s

            """)
        let result = try Self.token(
            ["--channel", "shop-7", "--uid", "7", "--config", config.path],
            environment: ["AGORA_APP_CERTIFICATE": Self.appCertificate, "AGORA_APP_ID": ""])
        #expect(result.status == 0, "\(result.stderr)")
        let parsed = try AccessToken2.parse(result.stdout.trimmingCharacters(in: .newlines))
        #expect(parsed.appID == Self.appID)
        #expect(parsed.verifies(appCertificate: Self.appCertificate))
    }

    @Test func malformedCertificateIsRefusedWithoutEchoingIt() throws {
        let certificate = "not-a-certificate-but-a-secret"
        let result = try Self.token(
            ["--channel", "c", "--uid", "1", "--app-id", Self.appID, "--app-certificate", certificate])
        #expect(result.status == 2)
        #expect(result.stderr.contains("app certificate must be 32 hexadecimal characters"), "\(result.stderr)")
        #expect(!result.stderr.contains(certificate) && !result.stdout.contains(certificate))
    }

    @Test func expireIsCappedAtADay() throws {
        let result = try Self.token([
            "--channel", "c", "--uid", "1", "--expire", "86401", "--app-id", Self.appID,
            "--app-certificate", Self.appCertificate,
        ])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--expire must be from 1 to 86400 seconds"), "\(result.stderr)")
    }
}
