/// One complete protocol message exactly as it arrived on the wire.
///
/// Keeping the original bytes lets the relay forward a message unchanged
/// (what the policy saw is byte for byte what the upstream runs).
struct PostgresFrame: Equatable, Sendable {
    /// The message type byte, or `nil` for an untyped startup-phase packet.
    let type: UInt8?
    /// The whole frame: type byte (if any), Int32 length and body.
    let bytes: [UInt8]

    /// The body after the header.
    var body: ArraySlice<UInt8> { bytes[(type == nil ? 4 : 5)...] }
}

/// Why a byte stream could not be cut into messages. Always fatal for the session.
enum FramingError: Error, Equatable, Sendable {
    /// The length field is smaller than the header it must cover.
    case invalidLength(Int32)
    /// The length field exceeds the limit for this phase.
    case tooLong(length: Int, limit: Int)
}
