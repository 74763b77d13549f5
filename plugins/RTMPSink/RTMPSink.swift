import MediaEngine
import RelayCore

/// Pushes FLV over RTMP(S) through `Muxer`. Every failure is the destination's.
final class RTMPSink: MediaSink {
    private let options: RTMPSinkPlugin.Options
    private let location: MediaLocation
    private let stop: StopSignal
    private var muxer: Muxer?
    private var closedBytes: Int64 = 0

    let displayName: String

    /// `expands`: false for a URL that is not a template (one a platform granted).
    init(options: RTMPSinkPlugin.Options, context: StageContext, expands: Bool = true) throws {
        self.options = options
        self.stop = context.stop
        do {
            // The expanded URL is checked again: a variable value could contain anything.
            let url = context.useBackup ? options.backupURL ?? options.url : options.url
            let text = expands ? try context.expand(url.text) : url.text
            location = try MediaLocation.remote(text, allowedSchemes: RTMPSinkPlugin.schemes)
        } catch let error as AVError {
            throw error.relayError(.configuration)
        }
        displayName = location.displayName
    }

    func open(streams: [StreamInfo]) throws {
        do {
            muxer = try Muxer(
                location, streams: streams, stop: stop, connectTimeout: .milliseconds(options.connectTimeoutMs),
                writeTimeout: .milliseconds(options.writeTimeoutMs),
                stallLimit: options.watchdogMs > 0 ? .milliseconds(options.watchdogMs) : nil,
                trust: options.caFile.map(TLSTrust.caFile) ?? .systemStore)
        } catch {
            throw error.relayError(.destination)
        }
    }

    func write(_ packet: MediaPacket) throws {
        guard let muxer else { throw RelayError(.internal, "\(displayName): write before open") }
        do {
            try muxer.write(packet)
        } catch {
            throw error.relayError(.destination)
        }
    }

    func close() throws {
        guard let muxer else { return }
        self.muxer = nil
        defer { closedBytes = muxer.bytesWritten }
        do {
            try muxer.finish()
        } catch {
            throw error.relayError(.destination)
        }
    }

    func abort() {
        guard let muxer else { return }
        muxer.abort()
        closedBytes = muxer.bytesWritten
        self.muxer = nil
    }

    var bytesWritten: Int64 { muxer?.bytesWritten ?? closedBytes }

    var policy: OutputPolicy { options.policy }
}
