import Logging
import MediaEngine
import RelayCore

/// `auto`: copies the source when it already meets the profile (see `SourceCompliance`) and
/// encodes it with the h264 transcoder otherwise, switching either way mid-stream.
///
/// - Start: a source whose declared streams already fail is encoded from the first packet.
///   Otherwise packets are held until the keyframe intervals seen cover one GOP (or one
///   interval runs past the GOP), then the source is judged.
/// - Copying: every completed keyframe interval is judged; an interval that runs past the
///   GOP switches at once, replaying the current interval into a new encoder (it decodes
///   from that keyframe and encodes from the switch point on).
/// - Encoding: once the source has been compliant for `recheckUs`, the encoder is flushed
///   and copying resumes at a source keyframe.
///
/// Output streams are video 0 and audio 1, time base 1/90000 in both modes. A switch sends
/// the new codec configuration with the first packet after it (`newExtradata`).
///
/// While the source is away, the encoder (when encoding) repeats its last picture; a copy
/// has no encoder, so a `SlateEncoder` stands in, switched to and from like the modes are.
final class AutoTranscoder: MediaTranscoder {
    private static let micro = Rational(1, 1_000_000)
    static let outputTimeBase = Rational(1, 90000)
    /// Source compliance needed before encoding stops again; avoids flapping.
    static let recheckUs: Int64 = 10_000_000
    /// A replay buffer larger than this (a huge GOP) is given up; the switch then waits for
    /// the next keyframe.
    static let maxHeldBytes = 32 << 20

    private enum Mode {
        case probing
        case copying
        case encoding(H264Transcoder)
    }

    private let options: H264TranscoderPlugin.Options
    private let logger: Logger
    private let processing: ProcessingStatus
    private let compliance: SourceCompliance
    private var mode = Mode.probing
    private var timestamps: TimestampRepair?
    private var inputs: [StreamInfo] = []
    private var videoInput: StreamInfo?
    private var audioInput: StreamInfo?
    private var declaredProblems: [String] = []
    private var monitor: GOPMonitor
    /// Repaired packets since the current video keyframe (video and audio).
    private var held: [MediaPacket] = []
    private var heldBytes = 0
    /// Some of the current interval did not fit in `held`: it cannot be replayed.
    private var heldIncomplete = false
    /// While encoding: since when (µs) every interval has been compliant.
    private var compliantSinceUs: Int64?
    /// Codec configuration to send with the next packet of each output stream.
    private var pendingExtradata: [Int: [UInt8]] = [:]
    private var lastDts: [Int: Int64] = [:]
    /// End (1/90000) of the last audio packet sent: audio both modes produced is sent once.
    private var audioEnd: Int64?
    private(set) var encodersOpened = 0
    /// The filler while a copied source is away.
    private var slate: SlateEncoder?
    /// The route's slate image; nil: the last picture (encoding) or black (copying).
    private let slateImage: Frame?

    init(options: H264TranscoderPlugin.Options, context: StageContext, slate: Frame? = nil) {
        slateImage = slate
        self.options = options
        logger = context.logger
        processing = context.processing
        compliance = SourceCompliance(video: options.video)
        monitor = GOPMonitor(windowUs: max(4_000_000, options.video.gopMs * 2000))
    }

    func open(inputs: [StreamInfo]) throws -> [StreamInfo] {
        guard let video = inputs.first(where: { $0.kind == .video }) else {
            throw RelayError(.source, "auto: the source has no video stream")
        }
        let audio = inputs.first(where: { $0.kind == .audio })
        self.inputs = inputs
        videoInput = video
        audioInput = audio
        timestamps = TimestampRepair(streams: inputs, maxJumpUs: 5_000_000)
        declaredProblems = compliance.declaredProblems(video: video, audio: audio)
        if !declaredProblems.isEmpty {
            let encoder = try makeEncoder(emitFromUs: 0)
            mode = .encoding(encoder.transcoder)
            report("transcoding: " + declaredProblems.joined(separator: "; "))
            return encoder.outputs
        }
        report("probing: judging the source's keyframes and bitrate over \(DurationText.format(.milliseconds(options.video.gopMs)))")
        var outputs = [video]
        if let audio { outputs.append(audio) }
        return outputs.enumerated().map { index, info in
            var info = info
            info.index = index
            info.timeBase = Self.outputTimeBase
            return info
        }
    }

    func process(_ packet: MediaPacket, into output: inout [MediaPacket]) throws {
        guard var timestamps else { throw RelayError(.internal, "auto: packet before open") }
        let isVideo = packet.streamIndex == videoInput?.index
        guard isVideo || packet.streamIndex == audioInput?.index else { return }
        let repaired = try timestamps.repair(packet)
        self.timestamps = timestamps
        let timeUs = time(of: repaired)

        var completed: GOPMeasure?
        if isVideo {
            completed = monitor.add(timeUs: timeUs, bytes: repaired.data.count, isKeyframe: repaired.isKeyframe)
        }
        // Nothing is sent before the first keyframe: neither mode could start there.
        guard monitor.openStartUs != nil else { return }

        switch mode {
        case .probing:
            // Everything since the first keyframe waits for the verdict (a full buffer forces it).
            held.append(repaired)
            heldBytes += repaired.data.count
            let full = heldBytes > Self.maxHeldBytes
            let judged = monitor.recentDurationUs >= options.video.gopMs * 1000
            guard overdue(at: timeUs) || judged || full else { return }
            try decide(at: timeUs, into: &output)
        case .copying:
            if isVideo && repaired.isKeyframe { dropHeld() }
            let problems =
                overdue(at: timeUs)
                ? compliance.measuredProblems(monitor.recent + [openInterval(at: timeUs)])
                : completed.map { _ in compliance.measuredProblems(monitor.recent) } ?? []
            hold(repaired)
            // Without the whole interval to replay, the switch waits for the next keyframe.
            if problems.isEmpty || (heldIncomplete && !(isVideo && repaired.isKeyframe)) {
                send(repaired, into: &output)
            } else {
                // Encode from this packet on; the held interval lets the decoder start at its keyframe.
                try startEncoding(at: timeUs, reason: problems, into: &output)
            }
        case .encoding(let transcoder):
            if isVideo && repaired.isKeyframe { dropHeld() }
            hold(repaired)
            if isVideo, completed != nil {
                let problems = declaredProblems + compliance.measuredProblems(monitor.recent)
                // Compliant since the oldest interval of a window that passes as a whole.
                compliantSinceUs = problems.isEmpty ? (compliantSinceUs ?? monitor.recent.first?.startUs) : nil
            }
            if overdue(at: timeUs) { compliantSinceUs = nil }
            if isVideo, repaired.isKeyframe, let since = compliantSinceUs, timeUs - since >= Self.recheckUs {
                try stopEncoding(transcoder, at: repaired, into: &output)
                return
            }
            var encoded: [MediaPacket] = []
            try transcoder.process(repaired, into: &encoded)
            for packet in encoded { send(fromEncoder: packet, into: &output) }
        }
    }

    func flush(into output: inout [MediaPacket]) throws {
        switch mode {
        case .probing:
            // The input ended before a full judgement: copy what there is if nothing is
            // known to be wrong, else encode it.
            let problems = compliance.measuredProblems(monitor.recent)
            if problems.isEmpty {
                for packet in held { send(packet, into: &output) }
            } else {
                try startEncoding(at: held.first.map(time(of:)) ?? 0, reason: problems, into: &output)
                try flush(into: &output)
            }
            dropHeld()
        case .copying:
            break
        case .encoding(let transcoder):
            var encoded: [MediaPacket] = []
            try transcoder.flush(into: &encoded)
            for packet in encoded { send(fromEncoder: packet, into: &output) }
        }
    }

    // MARK: - Source gaps

    func fillGap(elapsedUs: Int64, into output: inout [MediaPacket]) throws {
        var encoded: [MediaPacket] = []
        switch mode {
        case .encoding(let transcoder):
            try transcoder.fillGap(elapsedUs: elapsedUs, into: &encoded)
            for packet in encoded { send(fromEncoder: packet, into: &output) }
        case .copying:
            let encoder = try slate ?? H264Transcoder.ours {
                try SlateEncoder(video: videoInput, audio: audioInput, startUs: timestamps?.endUs ?? 0, image: slateImage)
            }
            if slate == nil {
                for (index, extradata) in encoder.extradata { pendingExtradata[outputIndex(of: index)] = extradata }
            }
            slate = encoder
            try H264Transcoder.ours { try encoder.fill(untilUs: elapsedUs, into: &encoded) }
            for packet in encoded {
                var out = packet
                out.streamIndex = outputIndex(of: packet.streamIndex)
                out.pts = packet.pts.map { SlateEncoder.timeBase.rescale($0, to: Self.outputTimeBase) }
                out.dts = packet.dts.map { SlateEncoder.timeBase.rescale($0, to: Self.outputTimeBase) }
                out.duration = SlateEncoder.timeBase.rescale(packet.duration, to: Self.outputTimeBase)
                emit(out, into: &output)
            }
        case .probing:
            // Not judged yet: nothing has gone out, so nothing needs continuing.
            break
        }
    }

    /// The returning source is judged afresh from its first keyframe (a new GOP history);
    /// a copy announces the source's configuration again, an encoder gets new decoders.
    func sourceResumed(inputs: [StreamInfo], gapUs: Int64) throws {
        self.inputs = inputs
        videoInput = inputs.first { $0.kind == .video }
        audioInput = inputs.first { $0.kind == .audio }
        timestamps?.continueAfterGap(gapUs)
        slate = nil
        dropHeld()
        monitor = GOPMonitor(windowUs: monitor.windowUs)
        compliantSinceUs = nil
        switch mode {
        case .encoding(let transcoder): try transcoder.sourceResumed(inputs: inputs, gapUs: gapUs)
        case .copying:
            for input in [videoInput, audioInput].compactMap({ $0 }) {
                pendingExtradata[outputIndex(of: input.index)] = input.extradata
            }
        case .probing: break
        }
    }

    private func outputIndex(of sourceIndex: Int) -> Int { sourceIndex == videoInput?.index ? 0 : 1 }

    // MARK: - Switching

    private func decide(at timeUs: Int64, into output: inout [MediaPacket]) throws {
        var gops = monitor.recent
        if overdue(at: timeUs) { gops.append(openInterval(at: timeUs)) }
        var problems = compliance.measuredProblems(gops)
        if problems.isEmpty && gops.isEmpty { problems = ["no complete keyframe interval within the replay buffer"] }
        if problems.isEmpty {
            mode = .copying
            report(
                "passthrough: the source meets the profile ("
                    + compliance.summary(video: videoInput!, audio: audioInput, gops: monitor.recent) + ")")
            let packets = held
            dropHeld()
            for packet in packets {
                if packet.streamIndex == videoInput?.index, packet.isKeyframe { dropHeld() }
                hold(packet)
                send(packet, into: &output)
            }
        } else {
            try startEncoding(at: held.first.map(time(of:)) ?? timeUs, reason: problems, into: &output)
        }
    }

    /// Encodes from `timeUs` on, feeding the new encoder everything held since the last
    /// keyframe so its decoder starts cleanly.
    private func startEncoding(at timeUs: Int64, reason: [String], into output: inout [MediaPacket]) throws {
        let replay = held
        let encoder = try makeEncoder(emitFromUs: timeUs)
        pendingExtradata = Dictionary(uniqueKeysWithValues: encoder.outputs.map { ($0.index, $0.extradata) })
        mode = .encoding(encoder.transcoder)
        compliantSinceUs = nil
        report("transcoding: " + reason.joined(separator: "; "))
        var encoded: [MediaPacket] = []
        for packet in replay { try encoder.transcoder.process(packet, into: &encoded) }
        for packet in encoded { send(fromEncoder: packet, into: &output) }
    }

    /// Flushes the encoder and copies again from `keyframe` on.
    private func stopEncoding(
        _ transcoder: H264Transcoder, at keyframe: MediaPacket, into output: inout [MediaPacket]
    ) throws {
        var encoded: [MediaPacket] = []
        try transcoder.flush(into: &encoded)
        for packet in encoded { send(fromEncoder: packet, into: &output) }
        pendingExtradata = [0: videoInput?.extradata ?? []]
        if let audio = audioInput { pendingExtradata[1] = audio.extradata }
        mode = .copying
        compliantSinceUs = nil
        report(
            "passthrough: the source meets the profile again ("
                + compliance.summary(video: videoInput!, audio: audioInput, gops: monitor.recent) + ")")
        dropHeld()
        hold(keyframe)
        send(keyframe, into: &output)
    }

    private func makeEncoder(emitFromUs: Int64) throws -> (transcoder: H264Transcoder, outputs: [StreamInfo]) {
        let transcoder = H264Transcoder(
            options: options, logger: logger, origin: 0, emitFromUs: emitFromUs, slate: slateImage)
        encodersOpened += 1
        let outputs = try transcoder.open(inputs: inputs).map { info in
            var info = info
            info.timeBase = Self.outputTimeBase
            return info
        }
        return (transcoder, outputs)
    }

    // MARK: - Output

    /// Sends a repaired source packet as output stream 0 (video) or 1 (audio).
    private func send(_ packet: MediaPacket, into output: inout [MediaPacket]) {
        guard let source = inputs.first(where: { $0.index == packet.streamIndex }) else { return }
        var out = packet
        out.streamIndex = source.kind == .video ? 0 : 1
        out.pts = packet.pts.map { source.timeBase.rescale($0, to: Self.outputTimeBase) }
        out.dts = packet.dts.map { source.timeBase.rescale($0, to: Self.outputTimeBase) }
        out.duration = source.timeBase.rescale(packet.duration, to: Self.outputTimeBase)
        emit(out, into: &output)
    }

    /// Sends an encoder packet (video in 1/fps, audio in 1/sample rate).
    private func send(fromEncoder packet: MediaPacket, into output: inout [MediaPacket]) {
        let timeBase =
            packet.streamIndex == 0
            ? Rational(1, Int32(options.video.fps)) : Rational(1, Int32(options.audio.sampleRate))
        var out = packet
        out.pts = packet.pts.map { timeBase.rescale($0, to: Self.outputTimeBase) }
        out.dts = packet.dts.map { timeBase.rescale($0, to: Self.outputTimeBase) }
        out.duration = timeBase.rescale(packet.duration, to: Self.outputTimeBase)
        emit(out, into: &output)
    }

    private func emit(_ packet: MediaPacket, into output: inout [MediaPacket]) {
        var out = packet
        if out.streamIndex == 1 {
            // Audio the other mode already covered (audio runs ahead of video in the mux).
            guard let pts = out.pts else { return }
            if let end = audioEnd, pts < end - out.duration / 2 { return }
            audioEnd = pts + out.duration
        }
        if let extradata = pendingExtradata.removeValue(forKey: out.streamIndex) { out.newExtradata = extradata }
        // Across a switch the two modes' timestamps meet; FLV needs dts to keep rising.
        if let last = lastDts[out.streamIndex], let dts = out.dts, dts <= last {
            out.dts = last + 1
            out.pts = max(out.pts ?? last + 1, last + 1)
        }
        lastDts[out.streamIndex] = out.dts
        output.append(out)
    }

    // MARK: - Helpers

    /// Keeps `packet` for a replay; false when the buffer is full (the packet is not kept).
    @discardableResult
    private func hold(_ packet: MediaPacket) -> Bool {
        guard heldBytes + packet.data.count <= Self.maxHeldBytes else {
            heldIncomplete = true
            return false
        }
        held.append(packet)
        heldBytes += packet.data.count
        return true
    }

    /// Whether the open keyframe interval has run past the GOP at `timeUs`.
    private func overdue(at timeUs: Int64) -> Bool {
        monitor.openDurationUs(at: timeUs) > options.video.gopMs * 1000 + SourceCompliance.intervalToleranceUs
    }

    private func openInterval(at timeUs: Int64) -> GOPMeasure {
        GOPMeasure(startUs: monitor.openStartUs ?? timeUs, durationUs: monitor.openDurationUs(at: timeUs), frames: 0, bytes: 0)
    }

    private func dropHeld() {
        held.removeAll(keepingCapacity: true)
        heldBytes = 0
        heldIncomplete = false
    }

    private func time(of packet: MediaPacket) -> Int64 {
        let timeBase = inputs.first(where: { $0.index == packet.streamIndex })?.timeBase ?? Rational(1, 1000)
        return timeBase.rescale(packet.pts ?? packet.dts ?? 0, to: Self.micro)
    }

    private func report(_ status: String) {
        if processing.set(status) { logger.info("auto: \(status)") }
    }
}
