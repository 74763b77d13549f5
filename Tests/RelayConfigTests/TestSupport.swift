import AgoraSource
import Foundation
import H264Transcoder
import PassthroughTranscoder
import PullSource
import RTMPSink
import RTMPSource
import TestSource
import RelayConfig
import RelayCore
import Testing

/// The plugins the shipped examples and the fixtures use.
let testRegistry = PluginRegistry(
    sources: [PullSourcePlugin.self, TestSourcePlugin.self, RTMPSourcePlugin.self, AgoraSourcePlugin.self], transcoders: [PassthroughPlugin.self, H264TranscoderPlugin.self, AutoTranscoderPlugin.self], sinks: [RTMPSinkPlugin.self])

/// Values the fixtures' `${VAR}`s may use. Anything else is unset.
let testEnvironment = [
    "STREAM_KEY": "s3cr3t-stream-key",
    "INGEST_HOST": "10.9.8.7",
    "YT_KEY": "yt-secret-key",
]

/// `Tests/RelayConfigTests/Fixtures`, as copied into the test bundle.
let fixtureRoot: String = {
    guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
        fatalError("Fixtures are missing from the test bundle")
    }
    return url.path
}()

/// The repository root, found from this file (`Tests/RelayConfigTests/TestSupport.swift`).
let repositoryRoot: String = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// Loads `directory`, expecting failure; returns the diagnostics as printed lines.
func loadErrors(
    _ directory: String, environment: [String: String] = testEnvironment, sourceLocation: Testing.SourceLocation = #_sourceLocation
) -> [String] {
    do {
        let config = try ConfigLoader(registry: testRegistry, environment: environment).load(directory: directory)
        Issue.record("expected \(directory) to fail, got \(config.routes.count) routes", sourceLocation: sourceLocation)
        return []
    } catch {
        return error.diagnostics.map(\.description)
    }
}

/// Writes `files` (relative path → contents) into a fresh temporary directory.
func temporaryConfig(_ files: [String: String]) throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("relayconfig-\(UUID().uuidString)").path
    for (path, contents) in files {
        let full = directory + "/" + path
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try contents.write(toFile: full, atomically: true, encoding: .utf8)
    }
    return directory
}
