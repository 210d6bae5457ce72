/// A value of libpg_query's JSON parse tree.
///
/// Objects keep their keys in the order libpg_query writes them (a node's
/// fields in declaration order), so every walk of the same tree visits the
/// same nodes in the same order.
package indirect enum TreeValue: Sendable {
    case object([TreeField])
    case array([TreeValue])
    case string(String)
    case integer(Int)
    /// A number that is not a whole one fitting in an Int (libpg_query
    /// writes float constants as strings, so this is rare).
    case number(String)
    case bool(Bool)
    case null
}

package struct TreeField: Sendable {
    package let key: String
    package let value: TreeValue
}

/// Reads the JSON that `pg_query_parse` writes into ``TreeValue``s.
///
/// Foundation's JSONSerialization took about ten times as long as the
/// parser itself (2 ms for an 8 KB statement) and handed back `Any`s that
/// each walk had to cast again; this reader makes one pass over the bytes
/// into a typed tree. Its input is machine-written by libpg_query, but it
/// still checks every byte: anything malformed or nested deeper than
/// ``maximumDepth`` is an error, and the statement is then `unknown`.
struct ParseTreeJSON {
    static let maximumDepth = 3_000

    struct Malformed: Error {}

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    static func read(_ bytes: UnsafeBufferPointer<UInt8>) throws(Malformed) -> TreeValue {
        var reader = ParseTreeJSON(bytes: bytes)
        let value = try reader.value(depth: 0)
        reader.skipWhitespace()
        guard reader.index == bytes.count else { throw Malformed() }
        return value
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    private mutating func value(depth: Int) throws(Malformed) -> TreeValue {
        guard depth < Self.maximumDepth else { throw Malformed() }
        skipWhitespace()
        guard index < bytes.count else { throw Malformed() }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            var fields: [TreeField] = []
            skipWhitespace()
            if try consume(UInt8(ascii: "}")) { return .object(fields) }
            repeat {
                skipWhitespace()
                let key = try string()
                skipWhitespace()
                guard try consume(UInt8(ascii: ":")) else { throw Malformed() }
                fields.append(TreeField(key: key, value: try value(depth: depth + 1)))
                skipWhitespace()
            } while try consume(UInt8(ascii: ","))
            guard try consume(UInt8(ascii: "}")) else { throw Malformed() }
            return .object(fields)
        case UInt8(ascii: "["):
            index += 1
            var items: [TreeValue] = []
            skipWhitespace()
            if try consume(UInt8(ascii: "]")) { return .array(items) }
            repeat {
                items.append(try value(depth: depth + 1))
                skipWhitespace()
            } while try consume(UInt8(ascii: ","))
            guard try consume(UInt8(ascii: "]")) else { throw Malformed() }
            return .array(items)
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        default:
            return try number()
        }
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
    }

    private mutating func consume(_ byte: UInt8) throws(Malformed) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func literal(_ word: StaticString) throws(Malformed) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw Malformed() }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw Malformed() }
        index += count
    }

    private mutating func number() throws(Malformed) -> TreeValue {
        let start = index
        while index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")
            || bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            index += 1
        }
        guard index > start else { throw Malformed() }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if let integer = Int(text) { return .integer(integer) }
        guard Double(text) != nil else { throw Malformed() }
        return .number(text)
    }

    /// A JSON string, its escapes decoded (`\uXXXX` with surrogate pairs).
    private mutating func string() throws(Malformed) -> String {
        guard try consume(UInt8(ascii: "\"")) else { throw Malformed() }
        let start = index
        // The common case: no escapes, one copy.
        while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") { index += 1 }
        guard index < bytes.count else { throw Malformed() }
        if bytes[index] == UInt8(ascii: "\"") {
            defer { index += 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        }
        var decoded = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: decoded, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw Malformed() }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escape)
                case UInt8(ascii: "b"): decoded.append(0x08)
                case UInt8(ascii: "f"): decoded.append(0x0C)
                case UInt8(ascii: "n"): decoded.append(0x0A)
                case UInt8(ascii: "r"): decoded.append(0x0D)
                case UInt8(ascii: "t"): decoded.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard try consume(UInt8(ascii: "\\")), try consume(UInt8(ascii: "u")) else { throw Malformed() }
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw Malformed() }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw Malformed() }
                    decoded.append(contentsOf: String(Character(unicode)).utf8)
                default:
                    throw Malformed()
                }
            default:
                decoded.append(byte)
            }
        }
        throw Malformed()
    }

    private mutating func hex4() throws(Malformed) -> UInt32 {
        guard index + 4 <= bytes.count else { throw Malformed() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            index += 1
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Malformed()
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}
