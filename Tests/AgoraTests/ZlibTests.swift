import Testing

@testable import Agora

@Suite struct ZlibTests {
    // zlib's return codes, as zlib.h defines them.
    static let dataError: Int32 = -3
    static let bufferError: Int32 = -5

    @Test func deflateThenInflateGivesTheInputBack() throws {
        let input = Array((0..<100_000).map { UInt8(truncatingIfNeeded: $0 * 7 / 3) })
        let compressed = try Zlib.deflate(input)
        #expect(compressed.count < input.count)
        #expect(try Zlib.inflate(compressed, outputLimit: input.count) == input)
    }

    @Test func emptyInputRoundTrips() throws {
        #expect(try Zlib.inflate(try Zlib.deflate([]), outputLimit: 16) == [])
    }

    @Test func garbageFailsWithZlibsOwnMessage() {
        #expect(throws: ZlibError(code: Self.dataError, message: "incorrect header check")) {
            try Zlib.inflate(Array("not zlib at all".utf8), outputLimit: 1024)
        }
    }

    @Test func truncatedStreamIsAnError() throws {
        let compressed = try Zlib.deflate(Array(repeating: 42, count: 1000))
        let error = #expect(throws: ZlibError.self) {
            try Zlib.inflate(Array(compressed.dropLast(3)), outputLimit: 4096)
        }
        #expect(error?.code == Self.bufferError)
    }

    @Test func outputBeyondTheLimitIsRefused() throws {
        let compressed = try Zlib.deflate(Array(repeating: 0, count: 1_000_000))
        let error = #expect(throws: ZlibError.self) { try Zlib.inflate(compressed, outputLimit: 64 * 1024) }
        #expect(error?.message == "output exceeds 65536 bytes")
    }
}
