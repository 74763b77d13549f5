import Foundation
import NIOCore
import NIOEmbedded
import Testing
import TestSupport

@testable import RTMPProtocol

/// A seeded fuzzer against `RTMPServerHandler` in `EmbeddedChannel`s and against the chunk
/// decoder alone.
///
/// For every input: nothing traps; the channel ends either open with only a bounded number
/// of bytes held, or closed after an `RTMPProtocolError`; and every read makes progress
/// (no more messages or events than bytes). `RTMP_FUZZ_INPUTS` sets the number of inputs per
/// test (the default keeps a debug run within a few seconds), `RTMP_FUZZ_SEED` the seed. Input
/// `i` derives from `(seed, i)` alone, so a failure names what reproduces it, and
/// `RTMP_FUZZ_FIRST=i RTMP_FUZZ_INPUTS=1` runs just that input. Progress is printed every
/// 100 000 inputs to narrow down a trap; `swift test` holds the output back until the end, so
/// to watch it run the test bundle itself (`.build/debug/relaygatePackageTests.xctest
/// --testing-library swift-testing --filter RTMPFuzzTests`).
@Suite struct RTMPFuzzTests {
    static let defaultInputs = 5000
    static let defaultSeed: UInt64 = 0x5254_4D50_4655_5A5A

    static let inputs = Self.environment("RTMP_FUZZ_INPUTS").flatMap { Int($0) } ?? Self.defaultInputs
    static let seed = Self.environment("RTMP_FUZZ_SEED").flatMap { UInt64($0) } ?? Self.defaultSeed
    static let first = Self.environment("RTMP_FUZZ_FIRST").flatMap { Int($0) } ?? 0
    static let generator = RTMPFuzzInputGenerator(corpus: RTMPFuzzCorpus(), seed: Self.seed)

    /// Small limits for some inputs, so that fuzzed values reach them.
    static let configurations = [
        RTMPServerConfiguration(),
        RTMPServerConfiguration(chunkSize: 128, maxChunkSize: 70_000, maxMessageSize: 6000, maxChunkStreams: 4),
    ]

    static func environment(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name]
    }

    struct Outcome {
        var closedByError = 0
        var closedBySession = 0
        var open = 0
        var events = 0
        var media = 0

        mutating func add(_ other: Outcome) {
            self.closedByError += other.closedByError
            self.closedBySession += other.closedBySession
            self.open += other.open
            self.events += other.events
            self.media += other.media
        }
    }

    /// Feeds `input` to a fresh handler in pieces `random` chooses, and checks the invariants.
    static func runHandler(_ input: [UInt8], random: inout SplitMix64, context: String) throws -> Outcome {
        let configuration = Self.configurations[Int(random.next() % 2)]
        let answer: PublishAnsweringHandler.Answer = [.accept, .accept, .reject, .none][Int(random.next() % 4)]
        let handler = RTMPServerHandler(configuration: configuration, randomNumberGenerator: SplitMix64(seed: 1))
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers(handler, PublishAnsweringHandler(answer))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1935)).wait()
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }

        var outcome = Outcome()
        var offset = 0
        while offset < input.count, channel.isActive {
            let remaining = input.count - offset
            let length = random.next() % 3 == 0 ? remaining : 1 + Int(random.next() % UInt64(min(remaining, 1 + Int(random.next() % 4096))))
            do {
                try channel.writeInbound(ByteBuffer(bytes: input[offset..<(offset + length)]))
            } catch let error as RTMPProtocolError {
                _ = error
                #expect(!channel.isActive, "\(context): still open after \(error)")
                outcome.closedByError += 1
                return outcome
            } catch {
                Issue.record("\(context): \(error) is not an RTMPProtocolError")
                return outcome
            }
            offset += length
            while let event = try channel.readInbound(as: RTMPServerEvent.self) {
                outcome.events += 1
                if case .media = event {
                    outcome.media += 1
                }
            }
            while try channel.readOutbound(as: ByteBuffer.self) != nil {}
            if channel.isActive {
                #expect(handler.bufferedByteCount <= RTMPHandshakeDigest.packetLength, "\(context): \(handler.bufferedByteCount) bytes held")
            }
        }
        #expect(outcome.events <= input.count, "\(context): \(outcome.events) events from \(input.count) bytes")
        if channel.isActive {
            outcome.open += 1
        } else {
            outcome.closedBySession += 1
        }
        return outcome
    }

    /// Feeds the chunks of `input` (after its handshake, if it has one) to a bare decoder.
    static func runDecoder(_ input: [UInt8], random: inout SplitMix64, context: String) -> Outcome {
        let configuration = Self.configurations[Int(random.next() % 2)]
        var decoder = RTMPChunkDecoder(configuration: configuration)
        let chunks = input.count > RTMPFuzzCorpus.plainHandshake.count ? input[RTMPFuzzCorpus.plainHandshake.count...] : input[...]
        var buffer = ByteBuffer()
        var outcome = Outcome()
        var offset = chunks.startIndex
        while offset < chunks.endIndex {
            let length = 1 + Int(random.next() % UInt64(chunks.endIndex - offset))
            buffer.writeBytes(chunks[offset..<(offset + length)])
            offset += length
            do {
                while let message = try decoder.decode(buffer: &buffer) {
                    outcome.events += 1
                    if message.type == .audio || message.type == .video { outcome.media += 1 }
                }
            } catch is RTMPProtocolError {
                outcome.closedByError += 1
                return outcome
            } catch {
                Issue.record("\(context): \(error) is not an RTMPProtocolError")
                return outcome
            }
            #expect(buffer.readableBytes < RTMPChunkHeader.maximumLength, "\(context): \(buffer.readableBytes) bytes left unread")
            #expect(decoder.bufferedByteCount <= configuration.maxMessageSize, "\(context): \(decoder.bufferedByteCount) bytes held")
        }
        #expect(outcome.events <= chunks.count, "\(context): \(outcome.events) messages from \(chunks.count) bytes")
        outcome.open += 1
        return outcome
    }

    /// Runs `body` on every input index, printing progress and the totals.
    @discardableResult
    static func run(_ name: String, _ body: (_ index: Int) throws -> Outcome) rethrows -> Outcome {
        print("RTMP fuzz \(name): inputs \(Self.first)..<\(Self.first + Self.inputs), seed \(Self.seed)")
        let clock = ContinuousClock()
        let start = clock.now
        var total = Outcome()
        for index in Self.first..<(Self.first + Self.inputs) {
            if index > Self.first, index.isMultiple(of: 100_000) {
                print("RTMP fuzz \(name): at input \(index) after \(clock.now - start)")
                // Through a pipe stdout is block-buffered; a trap would lose the progress lines.
                fflush(nil)
            }
            total.add(try body(index))
        }
        print(
            "RTMP fuzz \(name): \(Self.inputs) inputs, seed \(Self.seed), \(clock.now - start): "
                + "\(total.closedByError) closed by a protocol error, \(total.closedBySession) closed by the session, "
                + "\(total.open) open; \(total.events) events (\(total.media) media)"
        )
        return total
    }

    @Test func serverHandler() throws {
        let total = try Self.run("RTMPServerHandler") { index in
            var random = Self.generator.random(for: index, purpose: 1)
            return try Self.runHandler(Self.generator.input(index), random: &random, context: "handler input \(index)")
        }
        if Self.inputs >= 1000 {
            #expect(total.media > 0, "no input reached the publishing state")
        }
    }

    @Test func chunkDecoder() {
        let total = Self.run("RTMPChunkDecoder") { index in
            var random = Self.generator.random(for: index, purpose: 2)
            return Self.runDecoder(Self.generator.input(index), random: &random, context: "decoder input \(index)")
        }
        if Self.inputs >= 1000 {
            // The inputs reach both ends: media messages decoded, and protocol errors that close.
            #expect(total.media > 0, "no input decoded into a media message")
            #expect(total.closedByError > 0, "no input was refused with a protocol error")
            #expect(total.open > 0, "every input was refused")
        }
    }
}
