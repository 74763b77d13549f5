import Foundation
import TestSupport

/// What a listener would check in an output's audio, measured with the ffmpeg CLI.
enum AudioJudge {
    /// nginx-rtmp's HLS muxer never writes the last ~120 ms of audio it buffered when a
    /// stream ends (the same happens when the ffmpeg CLI publishes), so durations measured on
    /// its segments are that much short.
    static let tailTolerance = 0.15

    /// Span from the first audio packet's start to the last one's end, and the largest
    /// hole between consecutive packets (seconds).
    static func packets(_ url: String) throws -> (start: Double, duration: Double, largestGap: Double) {
        let json = try H264TranscoderTests.probe(
            url, ["-select_streams", "a", "-show_entries", "packet=pts_time,duration_time"])
        let packets = (json["packets"] as? [[String: Any]] ?? []).compactMap { p -> (Double, Double)? in
            guard let pts = (p["pts_time"] as? String).flatMap(Double.init),
                let duration = (p["duration_time"] as? String).flatMap(Double.init)
            else { return nil }
            return (pts, duration)
        }.sorted { $0.0 < $1.0 }
        guard let first = packets.first, let last = packets.last else { throw TestFailure("no audio packets in \(url)") }
        let gaps = zip(packets.dropFirst(), packets).map { next, previous in next.0 - (previous.0 + previous.1) }
        return (first.0, last.0 + last.1 - first.0, gaps.max() ?? 0)
    }

    /// Mean volume in dBFS (-91 for digital silence), from ffmpeg's volumedetect filter.
    static func meanVolume(_ url: String) throws -> Double {
        let result = try runProgram(
            "/usr/bin/ffmpeg", ["-hide_banner", "-nostdin", "-i", url, "-map", "0:a", "-af", "volumedetect", "-f", "null", "-"])
        guard let line = result.stderr.split(separator: "\n").first(where: { $0.contains("mean_volume:") }),
            let value = line.split(separator: " ").dropLast().last.flatMap({ Double($0) })
        else { throw TestFailure("volumedetect found no audio in \(url): \(result.stderr.suffix(500))") }
        return value
    }

    /// Times (s, the stream's own timestamps: -copyts) where a beep starts after at least
    /// 0.2 s of silence, up to `end` (silencedetect also reports the end of the input).
    static func beepOnsets(_ url: String, before end: Double) throws -> [Double] {
        let result = try runProgram(
            "/usr/bin/ffmpeg",
            ["-hide_banner", "-nostdin", "-copyts", "-i", url, "-map", "0:a", "-af", "silencedetect=n=-40dB:d=0.2", "-f", "null", "-"])
        return result.stderr.split(separator: "\n").compactMap { line -> Double? in
            guard let range = line.range(of: "silence_end: ") else { return nil }
            return line[range.upperBound...].split(separator: " ").first.flatMap { Double($0) }
        }.filter { $0 < end - 0.2 }
    }
}
