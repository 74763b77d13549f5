import MediaEngine
import RelayCore

/// Records one session into local files through `Muxer`, a new file at each cut that
/// `RecordingCut` decides. Every failure is the destination's.
final class FileSink: MediaSink {
    private let options: FileSinkPlugin.Options
    private let names: RecordingName
    private let stop: StopSignal
    private var streams: [StreamInfo] = []
    private var cut = RecordingCut(rotateEvery: nil, streams: [])
    private var muxer: Muxer?
    /// The current file has media (the first cut goes into the file `open` made).
    private var fileHasMedia = false
    /// Bytes of this session's finished files.
    private var finishedBytes: Int64 = 0

    let displayName: String

    init(options: FileSinkPlugin.Options, context: StageContext) throws {
        self.options = options
        self.stop = context.stop
        names = RecordingName(template: options.path, context: context)
        // Checks the variables now, before anything is opened.
        displayName = try context.expandPath(options.path, extra: ["start": "{start}"])
    }

    /// Fragmented MP4: a fragment is complete at every keyframe, so a killed worker leaves a
    /// file that plays up to its last fragment. `flush_packets`: each write reaches the
    /// file at once, so nothing sits in our buffers when the process dies.
    private var muxerOptions: [(String, String)] {
        switch options.format {
        case .mp4: [("movflags", "+frag_keyframe+empty_moov+default_base_moof"), ("flush_packets", "1")]
        case .flv: [("flush_packets", "1")]
        }
    }

    /// Opens the first file at once, so a path that cannot be written fails the output now.
    func open(streams: [StreamInfo]) throws {
        self.streams = streams
        cut = RecordingCut(rotateEvery: .milliseconds(options.rotateEveryMs), streams: streams)
        muxer = try openFile()
    }

    private func openFile() throws -> Muxer {
        let path = try names.next()
        do {
            let location = try MediaLocation.localOutput(path)
            try location.createDirectory()
            return try Muxer(
                location, format: options.format.rawValue, options: muxerOptions, streams: streams, stop: stop,
                connectTimeout: .seconds(10), writeTimeout: .seconds(10))
        } catch {
            throw error.relayError(.destination)
        }
    }

    func write(_ packet: MediaPacket) throws {
        guard let current = muxer else { throw RelayError(.internal, "\(displayName): write before open") }
        var packet = packet
        switch cut.place(packet) {
        case .drop:
            return
        case .write(let times):
            (packet.pts, packet.dts) = (times.pts, times.dts)
        case .startFile(let times):
            (packet.pts, packet.dts) = (times.pts, times.dts)
            if fileHasMedia {
                muxer = nil
                try finish(current)
                muxer = try openFile()
                fileHasMedia = false
            }
        }
        try muxer?.writeToDestination(packet)
        fileHasMedia = true
    }

    /// Ends the current file properly (MP4: the last fragment and the index; FLV: duration
    /// and size in the header).
    func close() throws {
        guard let muxer else { return }
        self.muxer = nil
        try finish(muxer)
    }

    /// After a failed write the file is still finished as far as it goes: local files need
    /// no network goodbye.
    func abort() {
        guard let muxer else { return }
        self.muxer = nil
        try? finish(muxer)
    }

    private func finish(_ muxer: Muxer) throws {
        defer { finishedBytes += muxer.bytesWritten }
        try muxer.finishAtDestination()
    }

    var bytesWritten: Int64 { finishedBytes + (muxer?.bytesWritten ?? 0) }

    var policy: OutputPolicy { options.policy }
}
