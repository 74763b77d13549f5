/// The message type id of an RTMP message header. A struct rather than an enum because
/// peers may send types this module does not know; those pass through the chunk layer and
/// are ignored by the session.
package struct RTMPMessageType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    package var rawValue: UInt8

    package init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// Protocol control: the sender's chunk size from now on.
    package static let setChunkSize = Self(rawValue: 1)
    /// Protocol control: drop the partly received message of a chunk stream.
    package static let abort = Self(rawValue: 2)
    /// Protocol control: the bytes received so far.
    package static let acknowledgement = Self(rawValue: 3)
    /// Stream Begin, Stream EOF, Ping Request, Ping Response, …
    package static let userControl = Self(rawValue: 4)
    /// Protocol control: how often the receiver should acknowledge.
    package static let windowAcknowledgementSize = Self(rawValue: 5)
    /// Protocol control: the sender's output bandwidth limit.
    package static let setPeerBandwidth = Self(rawValue: 6)
    package static let audio = Self(rawValue: 8)
    package static let video = Self(rawValue: 9)
    /// Data message in AMF3 (a leading format byte, then in practice AMF0).
    package static let amf3Data = Self(rawValue: 15)
    package static let amf3SharedObject = Self(rawValue: 16)
    /// Command message in AMF3 (a leading format byte, then in practice AMF0).
    package static let amf3Command = Self(rawValue: 17)
    /// Data message in AMF0 (`@setDataFrame`, `onMetaData`, …).
    package static let amf0Data = Self(rawValue: 18)
    package static let amf0SharedObject = Self(rawValue: 19)
    /// Command message in AMF0 (`connect`, `publish`, `_result`, `onStatus`, …).
    package static let amf0Command = Self(rawValue: 20)
    /// FLV tags of audio, video and data messages, sent as one.
    package static let aggregate = Self(rawValue: 22)

    package var description: String {
        "\(self.rawValue)"
    }
}
