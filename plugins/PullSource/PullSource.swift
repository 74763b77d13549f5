import MediaEngine
import RelayCore

/// Reads a remote URL or a local file through `Demuxer`, optionally paced like `ffmpeg -re`
/// and, for files, looped with timestamps that keep increasing.
final class PullSource: MediaSource {
    private static let micro = Rational(1, 1_000_000)

    private let options: PullSourcePlugin.Options
    private let location: MediaLocation
    private let stop: StopSignal
    private var demuxer: Demuxer?
    private var streams: [StreamInfo] = []

    // Looping: every timestamp is shifted by `loopOffsetUs` (per stream in its time base).
    private var loopOffsetUs: Int64 = 0
    private var loopOffsets: [Int64] = []
    /// The earliest input dts (µs) of the file; a loop restarts from there.
    private var firstInputUs: Int64?
    /// The latest end (dts + duration, µs, offset applied) of any packet so far.
    private var maxEndUs: Int64 = .min

    /// Paces a `realtime` input.
    private var pacer: Pacer

    let displayName: String

    /// A URL can be pulled again after the peer went away; a file's end is its end.
    var canReopen: Bool { options.url != nil }

    init(options: PullSourcePlugin.Options, context: StageContext, clock: any BlockingClock = SystemClock()) throws {
        self.options = options
        self.stop = context.stop
        pacer = Pacer(clock: clock)
        do {
            if let url = options.url {
                // A variable value could contain anything, so the expanded URL is checked again.
                location = try MediaLocation.remote(try context.expand(url.text), allowedSchemes: PullSourcePlugin.remoteSchemes)
            } else if let file = options.file {
                location = try MediaLocation.file(file)
            } else {
                throw RelayError(.configuration, "pull source needs a url or a file")
            }
        } catch let error as AVError {
            throw error.relayError(.configuration)
        }
        displayName = location.displayName
    }

    func open() throws -> [StreamInfo] {
        let demuxer = try openDemuxer()
        self.demuxer = demuxer
        streams = demuxer.streams
        loopOffsets = Array(repeating: 0, count: streams.count)
        return streams
    }

    func read() throws -> MediaPacket? {
        while let demuxer {
            let next: MediaPacket?
            do {
                next = try demuxer.read()
            } catch {
                throw error.relayError(.source)
            }
            guard var packet = next else {
                if demuxer.wasStopped || !options.loop || stop.isRaised { return nil }
                try restart(demuxer)
                continue
            }
            let timeBase = streams[packet.streamIndex].timeBase
            if options.loop { applyLoopOffset(&packet, timeBase: timeBase) }
            if options.realtime, let dts = packet.dts ?? packet.pts {
                guard pacer.wait(untilMediaUs: timeBase.rescale(dts, to: PullSource.micro), stop: stop) else { return nil }
            }
            return packet
        }
        return nil
    }

    func close() {
        demuxer?.close()
        demuxer = nil
    }

    private func openDemuxer() throws -> Demuxer {
        do {
            return try Demuxer(
                location, stop: stop, openTimeout: .milliseconds(options.openTimeoutMs),
                readTimeout: .milliseconds(options.readTimeoutMs))
        } catch {
            throw error.relayError(.source)
        }
    }

    /// Back to the start of the file; timestamps continue from the latest end seen.
    private func restart(_ current: Demuxer) throws {
        guard let firstInputUs, maxEndUs > .min else {
            // Not one timestamped packet in the file: looping it would spin forever.
            throw RelayError(.source, "\(displayName): nothing to loop")
        }
        do {
            try current.seekToStart()
        } catch {
            // Some inputs cannot seek; reopening gets the same effect.
            current.close()
            let reopened = try openDemuxer()
            guard reopened.streams.map(\.codec) == streams.map(\.codec) else {
                throw RelayError(.source, "\(displayName): streams changed between loops")
            }
            demuxer = reopened
        }
        loopOffsetUs = maxEndUs - firstInputUs
        for (i, stream) in streams.enumerated() {
            loopOffsets[i] = PullSource.micro.rescale(loopOffsetUs, to: stream.timeBase)
        }
    }

    private func applyLoopOffset(_ packet: inout MediaPacket, timeBase: Rational) {
        let offset = loopOffsets[packet.streamIndex]
        if let dts = packet.dts ?? packet.pts {
            if loopOffsetUs == 0 {
                let inputUs = timeBase.rescale(dts, to: PullSource.micro)
                firstInputUs = min(firstInputUs ?? inputUs, inputUs)
            }
            let endUs = timeBase.rescale(dts + offset + packet.duration, to: PullSource.micro)
            if endUs > maxEndUs { maxEndUs = endUs }
        }
        if offset != 0 {
            packet.dts = packet.dts.map { $0 + offset }
            packet.pts = packet.pts.map { $0 + offset }
        }
    }
}
