import MediaEngine
import RelayCore

/// Writes one session of HLS through libavformat's `hls` muxer (MPEG-TS segments). Every
/// failure is the destination's: the directory cannot be made, or a write failed.
final class HLSSink: MediaSink {
    private let options: HLSSinkPlugin.Options
    private let files: HLSFiles
    private let location: MediaLocation
    private let stop: StopSignal
    private var muxer: Muxer?
    private var closedBytes: Int64 = 0
    /// The directory did not exist before this session: a session that keeps nothing
    /// removes it again.
    private var madeDirectory = false

    let displayName: String

    init(options: HLSSinkPlugin.Options, context: StageContext) throws {
        self.options = options
        self.stop = context.stop
        var directory = try context.expandPath(options.directory)
        while directory.count > 1, directory.hasSuffix("/") { directory.removeLast() }
        guard !directory.contains("%") else {
            throw RelayError(.configuration, "\(directory): an hls directory must not contain \"%\"")
        }
        files = HLSFiles(directory: directory)
        do {
            location = try MediaLocation.localOutput(files.playlistPath)
        } catch {
            throw error.relayError(.configuration)
        }
        displayName = files.playlistPath
    }

    /// libav's `hls` options. `temp_file`: each file is written under `.tmp` and renamed
    /// when complete. Keeping: an EVENT playlist that a restarted output appends to (after
    /// a discontinuity). Not keeping: a live window whose sequence numbers start at the Unix
    /// time, so a restarted output's new playlist continues above the old one.
    private var muxerOptions: [(String, String)] {
        let common = [
            ("hls_time", String(Double(options.segmentDurationMs) / 1000)),
            ("hls_segment_filename", files.segmentPattern),
        ]
        if options.keep {
            return common + [
                ("hls_list_size", "0"), ("hls_playlist_type", "event"),
                ("hls_flags", "temp_file+append_list+independent_segments"),
            ]
        }
        return common + [
            ("hls_list_size", String(options.playlistSize)), ("hls_start_number_source", "epoch"),
            ("hls_flags", "temp_file+delete_segments+independent_segments"),
        ]
    }

    func open(streams: [StreamInfo]) throws {
        do {
            madeDirectory = try location.createDirectory()
            // What a killed session left: its playlist would outlive the new one's start.
            if !options.keep { files.removeAll() }
            muxer = try Muxer(
                location, format: "hls", options: muxerOptions, streams: streams, stop: stop,
                connectTimeout: .seconds(10), writeTimeout: .seconds(10))
        } catch {
            throw error.relayError(.destination)
        }
    }

    func write(_ packet: MediaPacket) throws {
        guard let muxer else { throw RelayError(.internal, "\(displayName): write before open") }
        try muxer.writeToDestination(packet)
    }

    /// Writes the last segment and the final playlist (with ENDLIST); without `keep`, then
    /// deletes them all.
    func close() throws {
        guard let muxer else { return }
        self.muxer = nil
        defer { end(muxer) }
        try muxer.finishAtDestination()
    }

    /// After a failed write: local files need no network goodbye, so the trailer still
    /// closes every file properly, and whatever it cannot write is simply lost.
    func abort() {
        guard let muxer else { return }
        self.muxer = nil
        try? muxer.finish()
        end(muxer)
    }

    private func end(_ muxer: Muxer) {
        closedBytes = muxer.bytesWritten
        if !options.keep { files.removeAll(removingDirectory: madeDirectory) }
    }

    var bytesWritten: Int64 { muxer?.bytesWritten ?? closedBytes }

    var policy: OutputPolicy { options.policy }
}
