import Foundation
import NIOCore
import Testing

@testable import RTMPProtocol

/// Not a test: the chunk decoder's speed, for bench/rtmp_decoder.sh (release build), and only
/// when RELAYGATE_BENCH is set. For each case it prints the best of 5 runs of the decoder,
/// next to a plain copy of the same chunk payloads into one growing buffer per message: the
/// least any reassembly has to do.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["RELAYGATE_BENCH"] != nil))
struct RTMPChunkDecoderBenchmark {
    struct Case {
        var name: String
        var messageLength: Int
        var chunkSize: Int
        var messages: Int
    }

    static let cases = [
        Case(name: "8 MiB message in 128-byte chunks", messageLength: 8 << 20, chunkSize: 128, messages: 4),
        Case(name: "100 kB video frames in 4096-byte chunks", messageLength: 100_000, chunkSize: 4096, messages: 320),
    ]

    /// Set Chunk Size (when not the default), then `messages` video messages on chunk stream 4.
    static func input(_ test: Case) -> ByteBuffer {
        var input = ByteBuffer()
        if test.chunkSize != 128 {
            input.writeBytes([0x02, 0, 0, 0, 0, 0, 4, 0x01, 0, 0, 0, 0])
            input.writeInteger(UInt32(test.chunkSize))
        }
        let payload = ByteBuffer(repeating: 0xAB, count: test.chunkSize)
        for message in 0..<test.messages {
            // A full header for the first message; type 3 (same length, type and delta) after.
            if message == 0 {
                let length = test.messageLength
                input.writeBytes([0x04, 0, 0, 40, UInt8(length >> 16), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)])
                input.writeBytes([0x09, 1, 0, 0, 0])
            }
            var left = test.messageLength
            while left > 0 {
                if left < test.messageLength || message > 0 { input.writeInteger(0xC4 as UInt8) }
                let size = min(left, test.chunkSize)
                input.writeImmutableBuffer(payload.getSlice(at: 0, length: size)!)
                left -= size
            }
        }
        return input
    }

    /// Best of 5: seconds for one pass over `input`.
    static func best(_ pass: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<5 {
            let start = ContinuousClock.now
            try pass()
            let elapsed = ContinuousClock.now - start
            best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        return best
    }

    @Test func decodeSpeed() throws {
        for test in Self.cases {
            let input = Self.input(test)
            let bytes = Double(test.messageLength * test.messages)
            let decoder = try Self.best {
                var decoder = RTMPChunkDecoder(configuration: RTMPServerConfiguration())
                var buffer = input
                var count = 0
                while let message = try decoder.decode(buffer: &buffer) {
                    if message.type == .video { count += 1 }
                }
                precondition(count == test.messages, "decoded \(count) of \(test.messages) messages")
            }
            let chunk = ByteBuffer(repeating: 0xAB, count: test.chunkSize)
            let copy = Self.best {
                // As many payload bytes, appended chunk by chunk to one buffer per message.
                var messages = 0
                var message = ByteBuffer()
                var left = test.messageLength
                while messages < test.messages {
                    let size = min(left, test.chunkSize)
                    message.writeImmutableBuffer(chunk.getSlice(at: 0, length: size)!)
                    left -= size
                    if left == 0 {
                        messages += 1
                        (message, left) = (ByteBuffer(), test.messageLength)
                    }
                }
            }
            let perMessage = decoder * 1000 / Double(test.messages)
            print(
                String(
                    format: "RTMP decoder bench: %@: decoder %.1f MB/s (%.3f ms per message), plain copy %.1f MB/s, "
                        + "time ratio %.2f",
                    test.name, bytes / decoder / 1e6, perMessage, bytes / copy / 1e6, decoder / copy))
        }
    }
}
