import NIOCore
import Testing

@testable import RTMPProtocol

@Suite struct AMF0ValueTests {
    /// ffmpeg's `connect` for publishing (rtmpproto.c `gen_connect`), laid out by hand.
    static let connectCommand = """
        020007 636f6e6e656374
        00 3ff0000000000000
        03
        0003 617070 020004 6c697665
        0004 74797065 02000a 6e6f6e70726976617465
        0008 666c617368566572 020024 464d4c452f332e302028636f6d70617469626c653b204c61766636302e31362e31303029
        0005 746355726c 02001a 72746d703a2f2f3132372e302e302e313a313933352f6c697665
        000009
        """

    /// ffmpeg's metadata as its FLV muxer writes it for RTMP: `@setDataFrame`, `onMetaData`
    /// and an ECMA array of 13 properties.
    static let setDataFrame = """
        02000d 40736574446174614672616d65
        02000a 6f6e4d65746144617461
        08 0000000d
        0008 6475726174696f6e 00 0000000000000000
        0005 7769647468 00 4094000000000000
        0006 686569676874 00 4086800000000000
        000d 766964656f6461746172617465 00 40a3880000000000
        0009 6672616d6572617465 00 403e000000000000
        000c 766964656f636f6465636964 00 401c000000000000
        000d 617564696f6461746172617465 00 4060000000000000
        000f 617564696f73616d706c6572617465 00 40e7700000000000
        000f 617564696f73616d706c6573697a65 00 4030000000000000
        0006 73746572656f 01 01
        000c 617564696f636f6465636964 00 4024000000000000
        0007 656e636f646572 02000d 4c61766636302e31362e313030
        0008 66696c6573697a65 00 0000000000000000
        000009
        """

    @Test func decodesFFmpegConnect() throws {
        let values = try AMF0.decodeAll(ByteBuffer(hex: Self.connectCommand))
        #expect(values.count == 3)
        #expect(values[0] == .string("connect"))
        #expect(values[1].number == 1)
        let object = values[2]
        #expect(object["app"]?.string == "live")
        #expect(object["type"]?.string == "nonprivate")
        #expect(object["flashVer"]?.string == "FMLE/3.0 (compatible; Lavf60.16.100)")
        #expect(object["tcUrl"]?.string == "rtmp://127.0.0.1:1935/live")
        #expect(object["objectEncoding"] == nil)
    }

    @Test func decodesFFmpegMetadata() throws {
        let values = try AMF0.decodeAll(ByteBuffer(hex: Self.setDataFrame).readableBytesView)
        #expect(values.count == 3)
        #expect(values[0].string == "@setDataFrame")
        #expect(values[1].string == "onMetaData")
        guard case .ecmaArray(let properties) = values[2] else {
            Issue.record("metadata is not an ECMA array: \(values[2])")
            return
        }
        #expect(
            properties.map(\.name) == [
                "duration", "width", "height", "videodatarate", "framerate", "videocodecid", "audiodatarate",
                "audiosamplerate", "audiosamplesize", "stereo", "audiocodecid", "encoder", "filesize",
            ])
        #expect(values[2]["width"]?.number == 1280)
        #expect(values[2]["height"]?.number == 720)
        #expect(values[2]["framerate"]?.number == 30)
        #expect(values[2]["audiosamplerate"]?.number == 48_000)
        #expect(values[2]["stereo"]?.boolean == true)
        #expect(values[2]["encoder"]?.string == "Lavf60.16.100")
    }

    @Test func writesWhatItReads() throws {
        for fixture in [Self.connectCommand, Self.setDataFrame] {
            let bytes = ByteBuffer(hex: fixture)
            var written = ByteBuffer()
            for value in try AMF0.decodeAll(bytes) {
                written.writeAMF0Value(value)
            }
            #expect(written == bytes)
        }
    }

    @Test func roundTripsEveryCase() throws {
        let long = String(repeating: "x", count: 70_000)
        let values: [AMF0Value] = [
            .number(-1.5), .boolean(false), .boolean(true), .string(""), .string("héllo"), .string(long),
            .object([AMF0Property("a", .null), AMF0Property("a", .undefined)]), .object([]),
            .ecmaArray([AMF0Property("n", .strictArray([.number(1), .string("two"), .object([])]))]),
            .strictArray([]), .date(1_700_000_000_000),
        ]
        var buffer = ByteBuffer()
        for value in values {
            buffer.writeAMF0Value(value)
        }
        #expect(try AMF0.decodeAll(buffer) == values)
    }

    @Test func longStringsUseTheLongMarker() throws {
        var buffer = ByteBuffer()
        buffer.writeAMF0Value(.string(String(repeating: "y", count: 65_536)))
        #expect(buffer.getInteger(at: 0, as: UInt8.self) == 0x0C)
        #expect(buffer.getInteger(at: 1, as: UInt32.self) == 65_536)
    }

    @Test func readsRareMarkersAsTheirClosestCase() throws {
        let values = try AMF0.decodeAll(
            ByteBuffer(
                hex: """
                    0c 00000003 616263
                    0f 00000003 3c783e
                    10 0005 506f696e74 0001 78 00 3ff0000000000000 000009
                    0b 4000000000000000 fffe
                    """))
        #expect(
            values == [
                .string("abc"), .string("<x>"), .object([AMF0Property("x", .number(1))]), .date(2),
            ])
    }

    @Test func emptyNamesThatAreNotTheEndAreProperties() throws {
        let values = try AMF0.decodeAll(ByteBuffer(hex: "03 0000 05 000009"))
        #expect(values == [.object([AMF0Property("", .null)])])
    }

    @Test(arguments: [0x04, 0x07, 0x09, 0x0D, 0x0E, 0x11, 0x12, 0xFF] as [UInt8])
    func refusesUnsupportedMarkers(marker: UInt8) throws {
        var buffer = ByteBuffer(bytes: [marker, 0, 0, 0, 0])
        #expect(throws: RTMPProtocolError.unsupportedAMF0Marker(marker)) { try buffer.readAMF0Value() }
    }

    @Test func needsMoreBytesForEveryTruncation() throws {
        for fixture in [Self.connectCommand, Self.setDataFrame] {
            let whole = ByteBuffer(hex: fixture)
            for length in 0..<whole.readableBytes {
                var prefix = whole.getSlice(at: 0, length: length)!
                var value: AMF0Value?
                repeat {
                    let before = prefix.readerIndex
                    value = try prefix.readAMF0Value()
                    if value == nil {
                        #expect(prefix.readerIndex == before)
                    }
                } while value != nil && prefix.readableBytes > 0
            }
            #expect(throws: RTMPProtocolError.truncatedAMF0) {
                try AMF0.decodeAll(whole.getSlice(at: 0, length: whole.readableBytes - 1)!)
            }
        }
    }

    @Test func declaredCountsBeyondTheBytesNeedMoreBytes() throws {
        var strict = ByteBuffer(hex: "0a ffffffff 05 05")
        #expect(try strict.readAMF0Value() == nil)
        #expect(strict.readableBytes == 7)
        var long = ByteBuffer(hex: "0c ffffffff 41")
        #expect(try long.readAMF0Value() == nil)
        var ecma = ByteBuffer(hex: "08 ffffffff 0001 61 05")
        #expect(try ecma.readAMF0Value() == nil)
    }

    @Test func boundsNesting() throws {
        var acceptable = ByteBuffer()
        var tooDeep = ByteBuffer()
        for _ in 0..<AMF0.maximumNestingDepth {
            acceptable.writeBytes([0x0A, 0, 0, 0, 1])
        }
        acceptable.writeInteger(AMF0Marker.null.rawValue)
        for _ in 0...AMF0.maximumNestingDepth {
            tooDeep.writeBytes([0x03, 0, 1, 0x61])
        }
        tooDeep.writeInteger(AMF0Marker.null.rawValue)
        #expect(try acceptable.readAMF0Value() != nil)
        #expect(throws: RTMPProtocolError.amf0NestingTooDeep(limit: AMF0.maximumNestingDepth)) {
            try tooDeep.readAMF0Value()
        }
    }

    @Test func subscriptsAndAccessors() {
        let object = AMF0Value.object([AMF0Property("k", .number(1)), AMF0Property("k", .number(2))])
        #expect(object["k"] == .number(1))
        #expect(object["missing"] == nil)
        #expect(AMF0Value.strictArray([.number(1)])["k"] == nil)
        #expect(AMF0Value.ecmaArray([AMF0Property("k", .boolean(true))])["k"]?.boolean == true)
        #expect(AMF0Value.string("1").number == nil)
        #expect(AMF0Value.number(1).string == nil)
        #expect(AMF0Value.null.boolean == nil)
    }
}
