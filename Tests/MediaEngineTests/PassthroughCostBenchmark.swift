import Foundation
import Logging
import MediaEngine
import PassthroughTranscoder
import PullSource
import RTMPSink
import RelayCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// CPU cost of a paced passthrough relay against `ffmpeg -re -i IN -c copy -f flv OUT`, both
/// pushing the same 10 s file into the same nginx. Slow (about 25 s), so opt-in:
/// `RELAYGATE_BENCH=1 swift test --filter PassthroughCostBenchmark`.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["RELAYGATE_BENCH"] != nil))
struct PassthroughCostBenchmark {
    static func processCPU(_ who: __rusage_who) -> Duration {
        var usage = rusage()
        getrusage(who.rawValue, &usage)
        return .seconds(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + .microseconds(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec)
    }

    @Test func relayCostsLessThanFFmpegCLI() throws {
        let directory = try TestMedia.temporaryDirectory()
        defer { TestMedia.cleanUp(directory) }
        let input = directory.appendingPathComponent("in.flv")
        try TestMedia.generate(input, seconds: 10)
        let nginx = try NginxRTMP()
        defer { nginx.stop() }

        let stop = StopSignal()
        let context = StageContext(route: "r", channel: "bench", logger: Logger(label: "bench"), stop: stop)
        let source = try PullSourcePlugin.makeSource(options: .init(file: input.path, realtime: true), context: context)
        let transcoder = try PassthroughPlugin.makeTranscoder(options: .init(), context: context)
        let sink = try RTMPSinkPlugin.makeSink(
            options: .init(url: try RemoteURL(nginx.publishURL(key: "relay"), allowedSchemes: ["rtmp"])), context: context)
        let cpuStart = RelayEndToEndTests.threadCPU()
        try sink.open(streams: try transcoder.open(inputs: try source.open()))
        let cpuOpened = RelayEndToEndTests.threadCPU()
        var batch: [MediaPacket] = []
        while let packet = try source.read() {
            batch.removeAll(keepingCapacity: true)
            try transcoder.process(packet, into: &batch)
            for out in batch { try sink.write(out) }
        }
        try sink.close()
        source.close()
        let cpuEnd = RelayEndToEndTests.threadCPU()

        func ffmpeg(_ limit: [String], key: String) throws -> Duration {
            let before = Self.processCPU(RUSAGE_CHILDREN)
            try TestMedia.run(
                "/usr/bin/ffmpeg",
                ["-hide_banner", "-loglevel", "error", "-nostdin", "-re", "-i", input.path] + limit
                    + ["-c", "copy", "-f", "flv", nginx.publishURL(key: key)])
            return Self.processCPU(RUSAGE_CHILDREN) - before
        }
        let ffmpegCPU = try ffmpeg([], key: "cli")
        // The same command stopped after 0.1 s: process start, probing and connect.
        let ffmpegStartup = try ffmpeg(["-t", "0.1"], key: "cli-short")
        print("""
            passthrough 10 s: relay thread CPU \(cpuEnd - cpuStart) (open \(cpuOpened - cpuStart), \
            steady \(cpuEnd - cpuOpened)); ffmpeg CLI process CPU \(ffmpegCPU) (startup ≈ \(ffmpegStartup))
            """)
        #expect(cpuEnd - cpuStart < ffmpegCPU)
    }
}
