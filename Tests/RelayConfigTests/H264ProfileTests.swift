import Foundation
import H264Transcoder
import RelayConfig
import RelayCore
import Testing

/// The built-in h264 profiles and the `h264` options as the config decodes them.
@Suite struct H264ProfileTests {
    private func load(_ files: [String: String]) throws -> GatewayConfig {
        let directory = try temporaryConfig(files)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try ConfigLoader(registry: testRegistry, environment: [:]).load(directory: directory)
    }

    private func options(_ profile: ProfileConfig?) throws -> H264TranscoderPlugin.Options {
        let profile = try #require(profile)
        #expect(profile.transcoder.type == "h264")
        return try JSONDecoder().decode(H264TranscoderPlugin.Options.self, from: Data(profile.transcoder.options.utf8))
    }

    @Test func builtInProfilesHaveTheIssuedSizesRatesAndDefaults() throws {
        let config = try load(["conf.d/00-empty.yaml": "# nothing yet\n"])
        let expected: [(String, Int, Int, Int64)] = [
            ("1080p", 1920, 1080, 4_500_000), ("720p", 1280, 720, 3_000_000), ("480p", 854, 480, 1_200_000),
        ]
        for (name, width, height, bitrate) in expected {
            let options = try options(config.profiles[name])
            #expect(options.video == H264TranscoderPlugin.Video(width: width, height: height, fps: 30, bitrate: bitrate))
            #expect(options.video.gopFrames == 60)
            #expect(options.video.maxrate == bitrate)
            #expect(options.video.preset == "veryfast" && options.video.tune == "zerolatency")
            #expect(options.video.profile == "high" && options.video.fit == H264TranscoderPlugin.Fit.pad)
            #expect(options.audio == H264TranscoderPlugin.Audio(bitrate: 128_000, sampleRate: 48000, channels: 2))
        }
        #expect(BuiltinProfiles.transcoder(named: "720p", registry: testRegistry) == config.profiles["720p"]?.transcoder)
    }

    @Test func confDProfileOfTheSameNameWins() throws {
        let config = try load([
            "conf.d/10-profiles.yaml": """
            profiles:
              720p:
                type: h264
                video: { width: 1280, height: 720, fps: 25, bitrate: 2.5M, bufsize: 5M, gop: 1s, level: "4.1", fit: fit }
                audio: { bitrate: 96k, sample_rate: 44100, channels: 1 }
            """
        ])
        let options = try options(config.profiles["720p"])
        #expect(config.profiles["720p"]?.location?.line == 2)
        #expect(
            options.video
                == H264TranscoderPlugin.Video(
                    width: 1280, height: 720, fps: 25, bitrate: 2_500_000, bufsize: 5_000_000, gop: .seconds(1),
                    level: "4.1", fit: .fit))
        #expect(options.video.gopFrames == 25)
        #expect(options.audio == H264TranscoderPlugin.Audio(bitrate: 96_000, sampleRate: 44100, channels: 1))
    }

    @Test(arguments: [
        ("3000k", Int64(3_000_000)), ("4.5M", 4_500_000), ("128K", 128_000), ("800000", 800_000),
    ])
    func bitratesAreParsed(_ text: String, _ bits: Int64) {
        #expect(BitrateText.parse(text) == bits)
    }

    @Test(arguments: ["", "k", "3 M", "-1k", "1.5G", "fast", "0"])
    func badBitratesAreRefused(_ text: String) {
        #expect(BitrateText.parse(text) == nil)
    }
}
