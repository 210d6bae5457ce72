import Crypto

/// The hash that chains audit events.
///
/// `hash = hex(SHA-256(encoding))`, where the encoding is, in order, the
/// fields `"warden.audit.v1"`, seq (decimal), at (whole milliseconds since
/// 1970, decimal), kind, actor, session_id, detail (canonical JSON text) and
/// prev_hash. Each field is written as the byte `0x01`, its UTF-8 length as
/// 8 bytes big-endian, then its UTF-8 bytes; a null session_id is the single
/// byte `0x00`. Length prefixes mean no field's content can be shifted into
/// its neighbour, and a null differs from an empty string. A SIEM holding an
/// export can recompute every hash from this description.
public enum AuditHash {
    /// The previous hash of the first event.
    public static let genesis = String(repeating: "0", count: 64)

    static let domain = "warden.audit.v1"

    public static func compute(
        seq: Int64, atMilliseconds: Int64, kind: String, actor: String, sessionID: String?,
        detailJSON: String, prevHash: String
    ) -> String {
        var bytes: [UInt8] = []
        for field in [domain, String(seq), String(atMilliseconds), kind, actor, sessionID, detailJSON, prevHash] {
            append(field, to: &bytes)
        }
        return HexDigits.string(SHA256.hash(data: bytes))
    }

    private static func append(_ field: String?, to bytes: inout [UInt8]) {
        guard let field else {
            bytes.append(0x00)
            return
        }
        let utf8 = field.utf8
        bytes.append(0x01)
        let length = UInt64(utf8.count)
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: length >> UInt64(shift)))
        }
        bytes.append(contentsOf: utf8)
    }
}
